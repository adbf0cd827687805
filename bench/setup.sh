#!/usr/bin/env bash
# Installs the benchmark tools into bench/.venv (never into the project's .venv), pinned, idempotent:
#   - a Python venv with MLServer and nvidia-pytriton (tritonserver + its Python backend), bench/requirements.txt;
#   - perf_analyzer from its PyPI wheel. The wheel is tagged manylinux_2_38 and this machine's Debian 12 has
#     glibc 2.36, so pip will not install it for this platform: it is fetched with --platform and run through
#     the dynamic loader of Debian 13's libc6/libstdc++6, unpacked (not installed) under bench/.venv/trixie;
#   - wrk (Debian package, unpacked under bench/.venv/debroot) to drive MLServer, which perf_analyzer cannot.
# Usage: bench/setup.sh   (JEPSERVE_PYTHON: the project's Python venv, default .venv)
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
VENV="$BENCH/.venv"

PERF_ANALYZER_VERSION=2.60.0
# Debian 13 (trixie) runtime for perf_analyzer; Debian 12 (bookworm) wrk and LuaJIT.
TRIXIE_DEBS="libc6=2.41-12+deb13u5 libstdc++6=14.2.0-19 libgcc-s1=14.2.0-19"
BOOKWORM_DEBS="wrk=4.1.0-3+b2 libluajit2-5.1-2=2.1-20230119-1"

project_python() {
  local candidate
  for candidate in "${JEPSERVE_PYTHON:-}" "$BENCH/../.venv"; do
    if [[ -n "$candidate" && -x "$candidate/bin/python" ]]; then echo "$candidate"; return; fi
  done
  echo "setup: no project Python venv found; set JEPSERVE_PYTHON" >&2
  exit 1
}

# The Triton Python-backend stub embeds libpython of one minor version, so the bench venv uses the same
# base interpreter (with its shared libpython) as the project's venv.
if [[ ! -x "$VENV/bin/python" ]]; then
  base="$("$(project_python)/bin/python" -c 'import sys; print(sys._base_executable)')"
  "$base" -m venv "$VENV"
fi
if ! cmp -s "$BENCH/requirements.txt" "$VENV/.requirements.installed"; then
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$BENCH/requirements.txt"
  cp "$BENCH/requirements.txt" "$VENV/.requirements.installed"
fi

PA_DIR="$VENV/perf_analyzer-$PERF_ANALYZER_VERSION"
if [[ ! -x "$PA_DIR/perf_analyzer/bin/perf_analyzer" ]]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform manylinux_2_38_x86_64 --target "$PA_DIR" "perf-analyzer==$PERF_ANALYZER_VERSION"
fi

# The Debian archive this machine's apt already uses (its main archive, not the security one), read from
# /etc/apt/sources.list.d/*.sources (deb822 "URIs:" lines) or one-line "deb URI SUITE ..." entries; the
# repository names no archive host of its own.
debian_archive() {
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
           | awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
           | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)"
  if [[ -z "$uri" ]]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
             | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:/) { print $i; break } }' \
             | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)"
  fi
  if [[ -z "$uri" ]]; then
    echo "setup: no Debian archive found in /etc/apt/sources.list{,.d/*}; cannot fetch the Debian packages" >&2
    exit 1
  fi
  echo "${uri%/}"
}

# apt-get download with a private state directory: nothing is installed on the system.
apt_download() {  # apt_download SUITE DEST PACKAGE=VERSION...
  local suite="$1" dest="$2"; shift 2
  local state="$VENV/apt-$suite"
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$dest"
  echo "deb $(debian_archive) $suite main" > "$state/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" -o Dir::State::status=/dev/null
              -o APT::Sandbox::User=root -qq)
  apt-get "${opts[@]}" update
  (cd "$state" && apt-get "${opts[@]}" download "$@")
  local deb
  for deb in "$state"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
  rm -f "$state"/*.deb
}

if [[ ! -x "$VENV/trixie/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ]]; then
  # shellcheck disable=SC2086
  apt_download trixie "$VENV/trixie" $TRIXIE_DEBS
fi
if [[ ! -x "$VENV/debroot/usr/bin/wrk" ]]; then
  # shellcheck disable=SC2086
  apt_download bookworm "$VENV/debroot" $BOOKWORM_DEBS
fi

echo "setup: bench tools ready in $VENV"
