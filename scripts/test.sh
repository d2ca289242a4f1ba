#!/usr/bin/env bash
# Installs what is needed, builds lockgraph and runs every test (ctest).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
build=${LOCKGRAPH_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build"
cd "$build"
ctest --output-on-failure -j"$(nproc)"
