#!/usr/bin/env bash
# The GUI in a real window: Xvfb, openbox, six loopback backends (one answering 503, one slow),
# driven by keystrokes only (xdotool key/type, no coordinates). After each step it checks what
# the backends received, and it saves a screenshot of each step into OUT (docs/ by default).
# Usage: tests/realwindow/run.sh [HERALD_BINARY] [OUT_DIR]: OUT_DIR/screenshot.png (the README's)
# and OUT_DIR/gui/*.png (docs/gui.md's).
set -euo pipefail

herald=$(realpath "${1:-build/app/herald}")
out=$(realpath "${2:-docs}")
mkdir -p "$out/gui"
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "realwindow: FAIL: $*" >&2
    [[ -f $work/herald.log ]] && sed 's/^/herald: /' "$work/herald.log" >&2
    exit 1
}
# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}
requests() { cat "$work"/backend-*.log 2>/dev/null | wc -l; }
requests_to() { cat "$work/backend-$1.log" 2>/dev/null | wc -l; }
count_is() { [[ $(requests) -eq $1 ]]; }
shot() { sleep 0.5; import -window root "$out/$1.png"; echo "realwindow: screenshot $1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.3; }
window_named() { xdotool search --onlyvisible --name "$1"; }

# -displayfd: the server picks a free display number, so parallel runs do not collide.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 & pids+=($!)
wait_for 10 test -s "$work/display" || fail "Xvfb did not start"
export DISPLAY=:$(cat "$work/display")
openbox >/dev/null 2>&1 & pids+=($!)
python3 "$here/backends.py" --dir "$work" --seconds 600 & pids+=($!)
wait_for 10 test -s "$work/urls" || fail "backends did not start"
mapfile -t urls <"$work/urls"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data QT_QPA_PLATFORM=xcb
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

start_herald() {
    "$herald" >"$work/herald.log" 2>&1 & herald_pid=$!; pids+=($herald_pid)
    wait_for 20 window_named '^Herald$' || fail "no Herald window"
    xdotool windowactivate --sync "$(window_named '^Herald$' | head -1)"
    sleep 1
}
stop_herald() {
    key ctrl+q
    wait_for 10 bash -c "! kill -0 $herald_pid" || fail "Herald did not quit on Ctrl+Q"
}

# 1. First start: no profiles, a hint, and the examples one keystroke away.
start_herald
shot gui/first-start
key alt+x
wait_for 5 test -f "$XDG_CONFIG_HOME/herald/profiles/ban-prefix.json" || fail "examples not added"
test -f "$XDG_CONFIG_HOME/herald/profiles/purge-product.json" || fail "purge-product example missing"
stop_herald

# 2. A profile for the six backends; choose it from the keyboard and type its {id}.
targets=$(printf '"%s",' "${urls[@]}")
cat >"$XDG_CONFIG_HOME/herald/profiles/purge-product-local.json" <<JSON
{"name": "purge-product-local", "method": "PURGE", "path": "/product/{id}",
 "headers": [["Host", "shop.example.com"], ["X-Purge-Reason", "price change"]],
 "targets": {"static": [${targets%,}]}, "retries": 1, "timeout": "2s", "policy": "all"}
JSON
start_herald
key ctrl+p End Return        # the profile list, its last entry, load it: the cursor is in {id}
xdotool type --delay 50 42
key ctrl+Return
wait_for 10 window_named 'Confirm broadcast' || fail "PURGE to 6 targets did not ask"
shot gui/confirm
count_is 0 || fail "sent before confirmation"
key ctrl+Return Return       # a repeated shortcut, then Return: No is the default
wait_for 5 bash -c "! xdotool search --onlyvisible --name 'Confirm broadcast'" || fail "dialog still open"
count_is 0 || fail "Return at the dialog sent the broadcast"

# 3. Confirmed: six backends receive it; the 503 one twice (one retry).
key ctrl+Return
wait_for 10 window_named 'Confirm broadcast' || fail "no dialog the second time"
key alt+y
wait_for 20 count_is 7 || fail "expected 7 requests, got $(requests)"
grep -q '"path": "/product/42"' "$work/backend-0.log" || fail "backend 0 did not get /product/42"
grep -q '"X-Purge-Reason": "price change"' "$work/backend-3.log" || fail "header not sent"
[[ $(requests_to 4) -eq 2 ]] || fail "the 503 backend should have had 2 attempts"
shot screenshot             # the README's picture: the live table after the broadcast

# 4. The results filtered to the failure, its details below.
key ctrl+f
xdotool type --delay 30 failed
key Tab Down
shot gui/results-filter

# 5. Send again to failed: only the 503 backend, after its own confirmation.
key alt+f
wait_for 10 window_named 'Confirm broadcast' || fail "send again to failed did not ask"
key alt+y
wait_for 20 count_is 9 || fail "expected 9 requests after send again to failed, got $(requests)"
[[ $(requests_to 0) -eq 1 ]] || fail "send again to failed reached a healthy backend"

# 6. Three more failures open the 503 backend's circuit (five in a row).
for round in 1 2 3; do
    key alt+f
    wait_for 10 window_named 'Confirm broadcast' || fail "round $round did not ask"
    key alt+y
    wait_for 20 count_is $((9 + 2 * round)) || fail "round $round: got $(requests)"
done
sleep 1

# 7. History: every broadcast with its headers.
key alt+h
shot gui/history

# 8. Targets: the open circuit with its next probe; Reset closes it.
key alt+t
shot gui/targets
key alt+e
shot gui/targets-reset
# With the circuit closed again, send again to failed reaches the 503 backend at once.
before=$(requests_to 4)
key alt+b alt+f
wait_for 10 window_named 'Confirm broadcast' || fail "send again after the reset did not ask"
key alt+y
wait_for 20 bash -c "[[ \$(wc -l <'$work/backend-4.log') -eq $((before + 2)) ]]" || fail "the reset circuit was not tried"

# 9. At 900x600 with the composer collapsed, the results keep the room.
key alt+b ctrl+f ctrl+a BackSpace
xdotool windowsize --sync "$(window_named '^Herald$' | head -1)" 900 600
key ctrl+shift+e
shot gui/layout-900x600
key ctrl+shift+e
stop_herald
echo "realwindow: $(requests) requests checked, screenshots in $out"
