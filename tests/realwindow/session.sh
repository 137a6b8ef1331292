# Sourced by run.sh and shots_results.sh: the arguments, a work folder removed on exit with every
# process started, wait_for, and an X display (Xvfb + openbox) of the run's own.
# Usage: NAME=realwindow; source "$(dirname "$0")/session.sh" "$@"
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
    echo "$NAME: FAIL: $*" >&2
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

# -displayfd: the server picks a free display number, so parallel runs do not collide.
start_display() {
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 & pids+=($!)
    wait_for 10 test -s "$work/display" || fail "Xvfb did not start"
    export DISPLAY=:$(cat "$work/display")
    openbox >/dev/null 2>&1 & pids+=($!)
}
