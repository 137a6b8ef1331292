#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan+UBSan) and fuzzes for N seconds (default 60),
# starting from the seed corpus in tests/fuzz/corpus. Crashes are written to build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
deploy/install-deps.sh build
command -v clang++ >/dev/null || { apt-get update -qq && apt-get install -y -qq clang >/dev/null; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHERALD_GUI=OFF \
    -DBUILD_TESTING=OFF -DHERALD_FUZZ=ON -DHERALD_SANITIZE=ON >/dev/null
ninja -C build-fuzz fuzz_request
mkdir -p build-fuzz/corpus build-fuzz/crashes
cp -n tests/fuzz/corpus/* build-fuzz/corpus/ 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=0
build-fuzz/tests/fuzz/fuzz_request -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix=build-fuzz/crashes/ build-fuzz/corpus
