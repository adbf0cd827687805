#!/usr/bin/env bash
# Reproduces every benchmark in one run (about 15 minutes; jepserve and Triton side by side, then MLServer), all load on 127.0.0.1:
# installs the bench tools (bench/setup.sh), builds target/jepserve.jar if it is missing or stale, then runs
# bench/bench.py, which writes bench/results/raw/ (raw outputs), results.json and summary.md.
# JEPSERVE_PYTHON: the project's Python venv (default .venv at the project root).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/setup.sh
if [[ ! -f target/jepserve.jar || -n "$(find src python pom.xml -newer target/jepserve.jar -print -quit)" ]]; then
  mvn -q -B -DskipTests package
fi
exec bench/.venv/bin/python bench/bench.py "$@"
