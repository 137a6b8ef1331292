#!/usr/bin/env bash
# Builds every libFuzzer target listed in tests/fuzz/CMakeLists.txt with clang (ASan+UBSan) and
# fuzzes each for N seconds (default 60), as many at once as there are cores.
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
# Targets run side by side, one per core, each for the full N seconds: the step takes about
# N x targets / cores instead of N x targets.
jobs=$(nproc)
fuzz_one() {
    local target="$1" seeds corpus crashes
    seeds=tests/fuzz/corpus/${target#fuzz_}
    [[ -d "$seeds" ]] || seeds=tests/fuzz/corpus
    corpus=build-fuzz/corpus/$target
    crashes=build-fuzz/crashes/$target
    rm -rf "$crashes"
    mkdir -p "$corpus" "$crashes"
    # The first folder receives new inputs; the seed folder is only read.
    local status=0
    "build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" "$seeds" >"build-fuzz/$target.log" 2>&1 || status=$?
    echo "$status" >"build-fuzz/$target.status"
}
for target in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
    echo "fuzz: $target for ${seconds}s"
    rm -f "build-fuzz/$target.status"
    fuzz_one "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
    if [[ "$(cat "build-fuzz/$target.status" 2>/dev/null)" == 0 ]]; then
        tail -n 12 "build-fuzz/$target.log" | grep -E '^stat::|^Done|^INFO: Done' || true
    else
        failed+=("$target")
        cat "build-fuzz/$target.log" >&2
        echo "fuzz: $target FAILED; the input is kept at:" >&2
        ls -1 "build-fuzz/crashes/$target"/* >&2 2>/dev/null || echo "  (no input written: see the report above)" >&2
    fi
done
if ((${#failed[@]})); then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ${targets[*]} ran ${seconds}s each without a finding"
