#!/usr/bin/env bash
# The main job: installs what is needed (including Debian's
# linux-source-6.12), builds lockgraph, scans the default kernel tree's whole
# configured build and prints the top findings. Extra arguments go to
# `lockgraph kernel` (e.g. a kernel source directory, --top 50, -j 4).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
LOCKGRAPH_WITH_KERNEL=1 "$here/scripts/setup.sh"
build=${LOCKGRAPH_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" lockgraph
exec "$build/tool/lockgraph" kernel --db "${LOCKGRAPH_DB:-$PWD/lockgraph-linux-6.12.db}" "$@"
