#!/usr/bin/env bash
# Builds Herald (release) if needed and runs it. With no arguments it starts `herald serve`
# on :8080, broadcasting to $HERALD_TARGETS (default: http://127.0.0.1:6081).
# Usage: deploy/run.sh [herald arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh build
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHERALD_GUI=OFF -DBUILD_TESTING=OFF >/dev/null
ninja -C build-release herald
if (($# == 0)); then
    export HERALD_TARGETS="${HERALD_TARGETS:-http://127.0.0.1:6081}"
    set -- serve
fi
exec build-release/app/herald "$@"
