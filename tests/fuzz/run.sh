#!/usr/bin/env bash
# Fuzzes every target for N seconds (default 60); tests/fuzz/ci.sh does the work.
exec "$(dirname "$0")/ci.sh" "$@"
