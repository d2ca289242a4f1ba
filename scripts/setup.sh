#!/usr/bin/env bash
# Installs every Debian package lockgraph needs to build, test and scan a
# kernel. Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-19 libclang-19-dev llvm-19-dev llvm-19-tools
  libsqlite3-dev sqlite3
  # The global step allocates tens of millions of small objects: with
  # jemalloc it runs in 0.8x glibc's time and memory (docs/benchmarks.md).
  libjemalloc-dev
  googletest libgtest-dev libgmock-dev
  graphviz
  # Configuring a kernel tree (`lockgraph kernel`).
  flex bison bc libelf-dev libssl-dev xz-utils
)
if [[ "${LOCKGRAPH_WITH_KERNEL:-0}" == 1 ]]; then
  packages+=(linux-source-6.12)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "setup: all packages present"
  exit 0
fi
SUDO=
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
