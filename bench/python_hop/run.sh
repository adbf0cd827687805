#!/usr/bin/env bash
# In-process cost of one execute() round trip (no HTTP). Needs bin/setup to have run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
javac -d "$out" -cp "$root/target/jepserve.jar" "$root/bench/python_hop/PythonHopBench.java"
java -cp "$root/target/jepserve.jar:$out" PythonHopBench "$root/.venv" "$root/examples" 2>&1 | grep '^round'
