#!/usr/bin/env bash
# Builds Herald and runs every test: a normal build, the container image (deploy/test-image.sh),
# then an ASan+UBSan+LSan build in build-asan/, then every fuzz target.
# Usage: deploy/test.sh [--no-sanitize]   (HERALD_FUZZ_SECONDS: per fuzz target, default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh test
# ccache keys independent of where the checkout lives (CI clones into a new folder each time):
# paths relative to the checkout, and the build folder's absolute path left out of the hash.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
# The C++ files follow the root .clang-format (the whole tree, so every file a change touches).
deploy/check-format.sh
export QT_QPA_PLATFORM=offscreen

build_and_test() {
    local dir="$1"; shift
    cmake -S . -B "$dir" -G Ninja -DHERALD_WERROR=ON "$@" >/dev/null
    ninja -C "$dir"
    ctest --test-dir "$dir" --output-on-failure -j2
}

build_and_test build -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The container image and the Helm chart (podman; SKIPPED where containers cannot run).
deploy/test-image.sh
if [[ "${1:-}" != --no-sanitize ]]; then
    # LeakSanitizer is on; deploy/lsan.supp names the few process-lifetime allocations of Qt and
    # the libraries that it would report. Every report, the herald children's too, lands in
    # build-asan/sanitizer/ (tests/CMakeLists.txt), and any report there fails the run.
    export ASAN_OPTIONS=abort_on_error=1
    export LSAN_OPTIONS="suppressions=$PWD/deploy/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    reports="$PWD/build-asan/sanitizer"
    rm -rf "$reports" && mkdir -p "$reports"
    cmake -S . -B build-asan -G Ninja -DHERALD_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DHERALD_SANITIZE=ON \
        -DHERALD_GUI=OFF -DHERALD_SANITIZER_LOG_DIR="$reports" >/dev/null
    ninja -C build-asan
    status=0
    ctest --test-dir build-asan --output-on-failure -j2 || status=$?
    for report in "$reports"/*; do
        [[ -e "$report" ]] || continue
        echo "=== sanitizer report $report"
        cat "$report"
        status=1
    done
    ((status == 0)) || exit "$status"
    # Every fuzz target for 60 s each (tests/fuzz/ci.sh).
    tests/fuzz/ci.sh "${HERALD_FUZZ_SECONDS:-60}"
fi
