#!/usr/bin/env bash
# Builds a libFuzzer target with clang (ASan+UBSan) and fuzzes it for N seconds (default 60),
# starting from its seed corpus. Crashes are written to build-fuzz/crashes/.
# Usage: tests/fuzz/run.sh [seconds] [fuzz_request|fuzz_response|fuzz_curlcommand]
#   fuzz_request (default): the request path, seeds in tests/fuzz/corpus
#   fuzz_response: the lean transport's response parser, seeds in tests/fuzz/corpus-response
#   fuzz_curlcommand: the curl command-line parser and printer, seeds in tests/fuzz/corpus-curl
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
target="${2:-fuzz_request}"
case "$target" in
    fuzz_request) seeds=tests/fuzz/corpus work=build-fuzz/corpus ;;
    fuzz_response) seeds=tests/fuzz/corpus-response work=build-fuzz/corpus-response ;;
    fuzz_curlcommand) seeds=tests/fuzz/corpus-curl work=build-fuzz/corpus-curl ;;
    *) echo "run.sh: unknown target $target (fuzz_request, fuzz_response or fuzz_curlcommand)" >&2; exit 2 ;;
esac
deploy/install-deps.sh build
command -v clang++ >/dev/null || { apt-get update -qq && apt-get install -y -qq clang >/dev/null; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHERALD_GUI=OFF \
    -DBUILD_TESTING=OFF -DHERALD_FUZZ=ON -DHERALD_SANITIZE=ON >/dev/null
ninja -C build-fuzz "$target"
mkdir -p "$work" build-fuzz/crashes
cp -n "$seeds"/* "$work/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=0
build-fuzz/tests/fuzz/"$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix=build-fuzz/crashes/ "$work"
