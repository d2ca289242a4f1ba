#!/bin/sh
# Compiles every corpus .c file the way the corpus tests scan them.
# Usage: corpus/check-syntax.sh [clang]   (default clang-19)
set -e
CLANG=${1:-clang-19}
DIR=$(cd "$(dirname "$0")" && pwd)
status=0
for c in "$DIR"/*/*.c; do
	case=$(dirname "$c")
	"$CLANG" -fsyntax-only -Wall -nostdinc -I "$DIR/include" -I "$case" \
		-D__KERNEL__ "$c" || status=1
done
exit $status
