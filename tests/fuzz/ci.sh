#!/usr/bin/env bash
# Builds every libFuzzer target listed in tests/fuzz/CMakeLists.txt with clang (ASan+UBSan) and
# fuzzes each for N seconds (default 60), one after the other, so the step takes N x targets.
# Seeds: tests/fuzz/corpus/<name without fuzz_>/ when that folder exists, else tests/fuzz/corpus/.
# A crash, sanitizer report or broken invariant fails the script; the input that did it is kept in
# build-fuzz/crashes/ and its path printed. Usage: tests/fuzz/ci.sh [seconds] [target...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
deploy/install-deps.sh test
command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (deploy/install-deps.sh test installs it)" >&2; exit 1; }

targets=("$@")
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(grep -oP '^\s*add_executable\(\s*\K\w+' tests/fuzz/CMakeLists.txt)
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each: ${targets[*]}"

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHERALD_GUI=OFF \
    -DBUILD_TESTING=OFF -DHERALD_FUZZ=ON -DHERALD_SANITIZE=ON >/dev/null
ninja -C build-fuzz "${targets[@]}"

# Leaks are checked too, with the same suppressions as the test suite (deploy/lsan.supp).
export ASAN_OPTIONS=abort_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/deploy/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for target in "${targets[@]}"; do
    seeds=tests/fuzz/corpus/${target#fuzz_}
    [[ -d "$seeds" ]] || seeds=tests/fuzz/corpus
    corpus=build-fuzz/corpus/$target
    crashes=build-fuzz/crashes/$target
    rm -rf "$crashes"
    mkdir -p "$corpus" "$crashes"
    echo "fuzz: $target for ${seconds}s from $seeds"
    # The first folder receives new inputs; the seed folder is only read.
    if ! "build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" "$seeds"; then
        failed+=("$target")
        echo "fuzz: $target FAILED; the input is kept at:" >&2
        ls -1 "$crashes"/* >&2 2>/dev/null || echo "  (no input written: see the report above)" >&2
    fi
done
if ((${#failed[@]})); then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ${targets[*]} ran ${seconds}s each without a finding"
