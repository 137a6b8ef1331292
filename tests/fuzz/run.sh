#!/usr/bin/env bash
# Builds a libFuzzer target with clang (ASan+UBSan) and fuzzes for N seconds (default 60),
# starting from its seed corpus: tests/fuzz/corpus for fuzz_request (the default target),
# tests/fuzz/corpus-curl for fuzz_curlcommand. Crashes are written to build-fuzz/crashes/.
# Usage: tests/fuzz/run.sh [SECONDS] [fuzz_request|fuzz_curlcommand]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
target="${2:-fuzz_request}"
case "$target" in
    fuzz_request) seeds=tests/fuzz/corpus corpus=build-fuzz/corpus ;;
    fuzz_curlcommand) seeds=tests/fuzz/corpus-curl corpus=build-fuzz/corpus-curl ;;
    *) echo "run.sh: unknown target '$target' (fuzz_request or fuzz_curlcommand)" >&2; exit 2 ;;
esac
deploy/install-deps.sh build
command -v clang++ >/dev/null || { apt-get update -qq && apt-get install -y -qq clang >/dev/null; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHERALD_GUI=OFF \
    -DBUILD_TESTING=OFF -DHERALD_FUZZ=ON -DHERALD_SANITIZE=ON >/dev/null
ninja -C build-fuzz "$target"
mkdir -p "$corpus" build-fuzz/crashes
cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=0
build-fuzz/tests/fuzz/"$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix=build-fuzz/crashes/ "$corpus"
