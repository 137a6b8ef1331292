#!/usr/bin/env bash
# The GUI in a real window: Xvfb, openbox, six loopback backends (one answering 503, one slow), and
# drive.py, which works the window through its accessibility tree (AT-SPI on a private D-Bus
# session) and checks what the backends received after each step, saving a screenshot of each.
# Usage: tests/realwindow/run.sh [HERALD_BINARY] [OUT_DIR]: OUT_DIR/screenshot.png (the README's)
# and OUT_DIR/gui/*.png (docs/gui.md's); OUT_DIR is docs/ by default.
set -euo pipefail

NAME=realwindow
# shellcheck source=session.sh
source "$(dirname "$(realpath "$0")")/session.sh" "$@"

# Debian's python3 (not a pyenv or venv one first on PATH): its gi has the Atspi typelib.
python=/usr/bin/python3
"$python" -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null \
    || fail "no AT-SPI for $python: deploy/install-deps.sh test (gir1.2-atspi-2.0, python3-gi, at-spi2-core)"

start_display
"$python" "$here/backends.py" --dir "$work" --seconds 600 & pids+=($!)
wait_for 10 test -s "$work/urls" || fail "backends did not start"
mkdir -p "$work/config/herald/profiles" "$work/data"

# A private session bus: AT-SPI's bus launcher is started on it by D-Bus activation, and nothing
# of the caller's desktop session is seen or touched.
status=0
dbus-run-session -- "$python" "$here/drive.py" --herald "$herald" --out "$out" --work "$work" || status=$?
if ((status != 0)); then
    [[ -f $work/herald.log ]] && sed 's/^/herald: /' "$work/herald.log" >&2
    # Kept out of OUT_DIR, which is docs/ for a run by hand.
    [[ -f $work/failure.png ]] && cp "$work/failure.png" "${TMPDIR:-/tmp}/realwindow-failure.png" \
        && echo "realwindow: the screen at the failure: ${TMPDIR:-/tmp}/realwindow-failure.png" >&2
    exit "$status"
fi
