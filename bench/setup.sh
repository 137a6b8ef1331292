#!/usr/bin/env bash
# Installs the benchmark's Debian packages and builds the release binary it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh build
missing=()
for package in nginx-light libnginx-mod-http-lua wrk python3; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHERALD_GUI=OFF -DBUILD_TESTING=OFF >/dev/null
ninja -C build-release herald
