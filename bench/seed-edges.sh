#!/usr/bin/env bash
# Prints the witnesses of the seed edges in a scanned Linux 6.12 database
# (docs/seed-edges.md is this script's output). Usage: bench/seed-edges.sh DB
set -uo pipefail
db=${1:?usage: bench/seed-edges.sh DATABASE}
lg=${LOCKGRAPH:-$(dirname "$0")/../build/tool/lockgraph}
show() {
  echo "\$ lockgraph path $1 $2"
  "$lg" path "$1" "$2" --db "$db" 2>&1
  echo "(exit $?)"
  echo
}
show mm_struct.mmap_lock jbd2_handle
show kioctx.ring_lock mm_struct.mmap_lock
show mm_struct.mmap_lock kioctx.ring_lock
show address_space.i_private_lock kioctx.ring_lock
show mm_struct.mmap_lock mm_struct.mmap_lock
show mm_struct.mmap_lock mm_struct.mmap_lock/1
echo "\$ lockgraph query: findings on these classes"
"$lg" query --db "$db" "SELECT kind, locks FROM finding WHERE locks LIKE '%kioctx.ring_lock%' OR (locks LIKE '%mm_struct.mmap_lock%' AND locks LIKE '%jbd2_handle%') ORDER BY kind, locks"
