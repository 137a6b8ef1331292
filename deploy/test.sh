#!/usr/bin/env bash
# Builds Herald and runs every test: a normal build, the container image (deploy/test-image.sh),
# then an ASan+UBSan build in build-asan/.
# Usage: deploy/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh test
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
    # detect_leaks=0: Qt keeps process-lifetime caches that LeakSanitizer would report.
    export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    build_and_test build-asan -DCMAKE_BUILD_TYPE=Debug -DHERALD_SANITIZE=ON -DHERALD_GUI=OFF
fi
