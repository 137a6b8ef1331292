#!/usr/bin/env bash
# The results features in a real window (Xvfb, openbox, xdotool keystrokes, no coordinates):
# preview (nothing sent), the Group column with the odd backend, Compare on two rows, export to
# CSV, a pasted curl command sent to the backends. Checks the backends' logs after each step and
# saves OUT/gui/preview.png, results-groups.png and compare.png (docs/ by default).
# Usage: tests/realwindow/shots_results.sh [HERALD_BINARY] [OUT_DIR]
set -euo pipefail

NAME=shots_results
# shellcheck source=session.sh
source "$(dirname "$(realpath "$0")")/session.sh" "$@"

requests() { cat "$work"/backend-*.log 2>/dev/null | wc -l; }
count_is() { [[ $(requests) -eq $1 ]]; }
shot() { sleep 0.5; import -window root "$out/$1.png"; echo "shots_results: screenshot $1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.3; }
window_named() { xdotool search --onlyvisible --name "$1"; }
closed() { ! xdotool search --onlyvisible --name "$1"; }

start_display
# Four backends: the third answers X-Cache: HIT (the odd cache), the fourth 503.
python3 "$here/backends.py" --dir "$work" --count 4 --fail 3 --slow -1 --hit 2 --seconds 600 & pids+=($!)
wait_for 10 test -s "$work/urls" || fail "backends did not start"
mapfile -t urls <"$work/urls"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data QT_QPA_PLATFORM=xcb
mkdir -p "$XDG_CONFIG_HOME/herald/profiles" "$XDG_DATA_HOME"
targets=$(printf '"%s",' "${urls[@]}")
cat >"$XDG_CONFIG_HOME/herald/profiles/check-product.json" <<JSON
{"name": "check-product", "method": "GET", "path": "/product/42",
 "headers": [["Host", "shop.example.com"], ["X-Purge-Reason", "price change"], ["Connection", "close"]],
 "targets": {"static": [${targets%,}]}, "retries": 0, "timeout": "2s", "policy": "all"}
JSON

"$herald" >"$work/herald.log" 2>&1 & herald_pid=$!; pids+=($herald_pid)
wait_for 20 window_named '^Herald$' || fail "no Herald window"
xdotool windowactivate --sync "$(window_named '^Herald$' | head -1)"
sleep 1
key ctrl+p End Return

# 1. Preview: every target's request after the header policy; nothing reaches a backend.
key alt+w
wait_for 10 window_named 'Preview' || fail "no preview"
shot gui/preview
count_is 0 || fail "the preview sent something"
key Escape
wait_for 5 closed 'Preview' || fail "preview still open"

# 2. Send (GET asks nothing); the Group column marks the HIT cache and the 503 as odd.
key ctrl+Return
wait_for 20 count_is 4 || fail "expected 4 requests, got $(requests)"
sleep 1
shot gui/results-groups

# 3. Compare the second and third rows (MISS and HIT) from the keyboard.
key ctrl+f Tab Down Down shift+Down
key ctrl+d
wait_for 10 window_named 'Compare targets' || fail "no compare dialog"
shot gui/compare
key Escape
wait_for 5 closed 'Compare targets' || fail "compare still open"

# 4. Export the run as CSV: a header line and one line per target.
key ctrl+shift+s
wait_for 10 window_named 'Export results' || fail "no export dialog"
key ctrl+a
xdotool type --delay 20 "$work/run.csv"
key Return
wait_for 10 test -s "$work/run.csv" || fail "no CSV written"
[[ $(wc -l <"$work/run.csv") -eq 5 ]] || fail "the CSV should have 5 lines: $(cat "$work/run.csv")"

# 5. Paste a curl command (typed into the dialog), then send it: BAN asks first.
key ctrl+shift+v
wait_for 10 window_named 'Paste curl command' || fail "no paste dialog"
xdotool type --delay 20 "curl -X BAN -H 'X-Ban-Url: ^/product/' http://varnish:6081/ban"
key alt+u
wait_for 5 closed 'Paste curl command' || fail "paste dialog still open"
key ctrl+Return
wait_for 10 window_named 'Confirm broadcast' || fail "the pasted BAN did not ask"
key alt+y
wait_for 20 count_is 8 || fail "expected 8 requests after the BAN, got $(requests)"
grep -q '"method": "BAN", "path": "/ban"' "$work/backend-0.log" || fail "backend 0 did not get BAN /ban"
grep -q '"X-Ban-Url": "^/product/"' "$work/backend-1.log" || fail "the pasted header was not sent"

key ctrl+q
wait_for 10 bash -c "! kill -0 $herald_pid" || fail "Herald did not quit on Ctrl+Q"
echo "shots_results: $(requests) requests checked, screenshots in $out/gui"
