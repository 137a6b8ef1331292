#!/usr/bin/env bash
# Installs the Debian 12 packages Herald needs to build, test or run; only those missing.
# Usage: deploy/install-deps.sh [build|test|run]   (test includes build)
set -euo pipefail

mode="${1:-test}"
packages=(cmake ninja-build g++ ccache pkg-config qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite
          libmicrohttpd-dev libhiredis-dev libcurl4-openssl-dev libyaml-cpp-dev libgl-dev libqt6svg6
          node-llhttp) # node-llhttp: llhttp's C sources, compiled for the lean transport
if [[ "$mode" == run ]]; then
    # deploy/run.sh's first run: two local Varnish caches and a python3 origin.
    packages+=(varnish python3)
fi
if [[ "$mode" == test ]]; then
    # Real servers the tests talk to, curl to run printed curl commands;
    # a real X display, a window manager, keystrokes and screenshots for tests/realwindow/run.sh,
    # which finds the window's widgets through AT-SPI on a private D-Bus session (dbus-run-session).
    packages+=(dnsmasq-base nginx-light varnish redis-server wrk procps iproute2 iptables kmod xauth openssl curl
               nghttp2-server # nghttpd: the HTTP/2 server of the h2c and h2 tests
               xvfb openbox xdotool xclip imagemagick fonts-dejavu-core python3
               dbus at-spi2-core python3-gi gir1.2-atspi-2.0)
    # clang's ASan and libFuzzer runtimes are in libclang-rt-14-dev, which clang does not pull in.
    packages+=(clang libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
