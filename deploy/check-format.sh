#!/usr/bin/env bash
# Checks that C++ files follow the root .clang-format (clang-format 14); changes nothing.
# Usage: deploy/check-format.sh [FILE...]   (no FILE: every tracked .h/.cpp under core headless gui app tests)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format-14 >/dev/null && ! command -v clang-format >/dev/null; then
    echo "check-format: installing clang-format"
    if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang-format >/dev/null
fi
format=$(command -v clang-format-14 || command -v clang-format)

if (($#)); then
    files=("$@")
else
    mapfile -t files < <(git ls-files -- core headless gui app tests | grep -E '\.(h|cpp)$')
fi
((${#files[@]})) || { echo "check-format: no files to check"; exit 0; }

# --dry-run -Werror: every line that would change is reported as an error; the exit code says whether any would.
if "$format" --style=file --dry-run -Werror "${files[@]}"; then
    echo "check-format: ${#files[@]} files formatted"
else
    echo "check-format: files above differ from .clang-format (fix: $format -i FILE)" >&2
    exit 1
fi
