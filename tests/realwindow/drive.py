#!/usr/bin/python3
"""Drives Herald's real window through its accessibility tree (AT-SPI): widgets are found by role
and accessible name, buttons pressed by their AT-SPI action, text typed as real keystrokes
(xdotool) into the widget AT-SPI focused. After each step it checks what the loopback backends
(backends.py) received, and it saves a screenshot of the step (imagemagick).

Run by run.sh inside `dbus-run-session`, with DISPLAY set to an Xvfb display that has a window
manager. Exits 1 on the first failed check, naming it."""
import argparse
import json
import os
import subprocess
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

Role = Atspi.Role
State = Atspi.StateType


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def wait_for(seconds, probe, what):
    """Polls probe() every 0.1 s until it returns something true; returns that, or fails naming what."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.1)


# --- the accessibility tree -------------------------------------------------------------------

def showing(accessible):
    try:
        return accessible.get_state_set().contains(State.SHOWING)
    except gi.repository.GLib.Error:
        return False  # gone while we looked


def children(accessible):
    try:
        return [accessible.get_child_at_index(i) for i in range(accessible.get_child_count())]
    except gi.repository.GLib.Error:
        return []


# Cells and list items are many and never what we search for by walking: tables and lists are
# read through their Table interface, so the walk does not descend into them.
LEAF_ROLES = {Role.TABLE, Role.TREE_TABLE, Role.LIST, Role.TREE, Role.TABLE_CELL, Role.LIST_ITEM}
# Qt names its roles a little differently across versions: a line edit may be "text" or "entry",
# a checkable tool button "push button" or "toggle button".
TEXT = (Role.TEXT, Role.ENTRY)
BUTTON = (Role.PUSH_BUTTON, Role.TOGGLE_BUTTON)


def role_matches(accessible, role):
    return role is None or accessible.get_role() in (role if isinstance(role, tuple) else (role,))


def role_name(role):
    return "/".join(Atspi.role_get_name(r) for r in (role if isinstance(role, tuple) else (role,))) if role else "widget"


def find_all(root, role=None, name=None, contains=None):
    """Every showing accessible under root with this role and exact name (or name containing `contains`)."""
    found, queue = [], [root]
    while queue:
        node = queue.pop(0)
        for child in children(node):
            if child is None or not showing(child):
                continue
            child_name = child.get_name() or ""
            if role_matches(child, role) and (name is None or child_name == name) \
                    and (contains is None or contains in child_name):
                found.append(child)
            if child.get_role() not in LEAF_ROLES:
                queue.append(child)
    return found


def find(root, role, name=None, seconds=10, contains=None):
    return wait_for(seconds, lambda: next(iter(find_all(root, role, name, contains)), None),
                    f"a showing {role_name(role)} named {name or contains!r}")


def press(accessible):
    """Runs the accessible's first action (Qt: "Press" for buttons, "Toggle" for checkable ones)."""
    check(Atspi.Action.get_n_actions(accessible) > 0, f"{accessible.get_name()!r} has no action")
    Atspi.Action.do_action(accessible, 0)


def focused(accessible):
    return accessible.get_state_set().contains(State.FOCUSED)


def focus(accessible):
    """Focuses an input through AT-SPI (Qt offers it for widgets with a focus policy; its item
    views, tables and lists, take the focus from keys instead)."""
    check(Atspi.Component.grab_focus(accessible), f"cannot focus {accessible.get_name()!r}")
    wait_for(3, lambda: focused(accessible), f"focus on {accessible.get_name()!r}")


def text_of(accessible):
    try:
        return Atspi.Text.get_text(accessible, 0, Atspi.Text.get_character_count(accessible))
    except gi.repository.GLib.Error:
        return accessible.get_name()


def table_rows(table):
    """The table's cells as lists of their names, row by row."""
    return [[(Atspi.Table.get_accessible_at(table, r, c).get_name() or "") for c in range(Atspi.Table.get_n_columns(table))]
            for r in range(Atspi.Table.get_n_rows(table))]


def column_names(table):
    return [Atspi.Table.get_column_header(table, c).get_name() for c in range(Atspi.Table.get_n_columns(table))]


# --- the world around the window ----------------------------------------------------------------

class Run:
    def __init__(self, args):
        self.herald = args.herald
        self.out = args.out
        self.work = args.work
        self.urls = open(os.path.join(self.work, "urls")).read().split()
        self.process = None
        self.app = None
        self.window = None
        self.env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.work, "config"),
                        XDG_DATA_HOME=os.path.join(self.work, "data"), QT_QPA_PLATFORM="xcb",
                        QT_ACCESSIBILITY="1", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
        self.profiles = os.path.join(self.env["XDG_CONFIG_HOME"], "herald", "profiles")

    def log(self, message):
        print(f"realwindow: {message}", flush=True)

    # Backends' request logs: one JSON line per request received.
    def received(self, index):
        try:
            with open(os.path.join(self.work, f"backend-{index}.log")) as log:
                return [json.loads(line) for line in log]
        except FileNotFoundError:
            return []

    def counts(self):
        return [len(self.received(i)) for i in range(len(self.urls))]

    def expect_counts(self, expected, what):
        wait_for(20, lambda: self.counts() == expected, f"{what}: requests per backend {expected}")
        time.sleep(0.3)  # nothing more arrives after it
        check(self.counts() == expected, f"{what}: expected {expected} requests per backend, got {self.counts()}")
        self.log(f"{what}: backends received {self.counts()}")

    def shot(self, name):
        time.sleep(0.4)  # the last repaint
        path = os.path.join(self.out, f"{name}.png")
        subprocess.run(["import", "-window", "root", path], check=True)
        self.log(f"screenshot {name}.png")

    def key(self, *keys):
        subprocess.run(["xdotool", "key", "--clearmodifiers", *keys], check=True)
        time.sleep(0.2)

    def type(self, text):
        subprocess.run(["xdotool", "type", "--delay", "40", text], check=True)
        time.sleep(0.2)

    # Herald itself.
    def start(self):
        self.process = subprocess.Popen([self.herald], env=self.env, stdout=open(os.path.join(self.work, "herald.log"), "a"),
                                        stderr=subprocess.STDOUT)
        desktop = Atspi.get_desktop(0)

        def application():
            for app in children(desktop):
                try:
                    if app is not None and app.get_process_id() == self.process.pid:
                        return app
                except gi.repository.GLib.Error:
                    pass
            return None
        self.app = wait_for(30, application, "Herald on the accessibility bus")
        self.window = find(self.app, Role.FRAME, "Herald", seconds=20)
        # Qt's widgets take keys only in the active window: let the window manager activate it.
        window_id = wait_for(10, lambda: subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid)],
                                                          capture_output=True, text=True).stdout.split(), "Herald's X window")
        subprocess.run(["xdotool", "windowactivate", "--sync", window_id[-1]], check=True)
        wait_for(10, lambda: self.window.get_state_set().contains(State.ACTIVE), "the window to be active")
        time.sleep(0.5)

    def quit(self):
        self.key("ctrl+q")
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            raise Failed("Herald did not quit on Ctrl+Q")

    def tab(self, name, landmark):
        """Chooses a page of the main tab widget by its tab's action, as a click would, and waits
        until `landmark` (role, name) on it shows. Pages not chosen are not SHOWING, so a search
        of the window afterwards finds only the chosen page's widgets."""
        press(find(self.window, Role.PAGE_TAB, name))
        return find(self.window, *landmark, seconds=5)

    def confirm_dialog(self):
        return find(self.app, Role.DIALOG, "Confirm broadcast")

    def dialog_gone(self):
        wait_for(5, lambda: not find_all(self.app, Role.DIALOG, "Confirm broadcast"), "the confirmation to close")

    def confirmed_targets(self, dialog):
        """The targets the confirmation lists (its label of URLs)."""
        labels = [text_of(label) for label in find_all(dialog, Role.LABEL) if "http://" in text_of(label)]
        check(len(labels) == 1, f"the confirmation should list its targets once, found {labels}")
        return labels[0].split("\n")


def write_profile(run):
    targets = json.dumps(run.urls)
    with open(os.path.join(run.profiles, "purge-product-local.json"), "w") as profile:
        profile.write(f'{{"name": "purge-product-local", "method": "PURGE", "path": "/product/{{id}}", '
                      f'"headers": [["Host", "shop.example.com"], ["X-Purge-Reason", "price change"]], '
                      f'"targets": {{"static": {targets}}}, "retries": 1, "timeout": "2s", "policy": "all"}}')


# --- the operator's flow, step by step ----------------------------------------------------------

def first_start(run):
    run.start()
    run.shot("gui/first-start")
    press(find(run.window, Role.PUSH_BUTTON, "Add example profiles"))
    examples = [os.path.join(run.profiles, name) for name in ("ban-prefix.json", "purge-product.json")]
    wait_for(5, lambda: all(map(os.path.exists, examples)), "the example profiles ban-prefix and purge-product")
    run.quit()
    run.expect_counts([0] * 6, "first start")


def compose_and_confirm(run):
    write_profile(run)
    run.start()
    profiles = find(run.window, Role.LIST, "Profiles")
    run.key("ctrl+p")  # View > Profiles: the keyboard's way into the list
    wait_for(3, lambda: focused(profiles), "the focus in the profile list")
    names = [child.get_name() for child in children(profiles)]
    check(any(n.startswith("purge-product-local") for n in names), f"profile list holds {names}")
    run.key("End", "Return")  # the last profile, loaded: the cursor goes to its {id}
    parameter = find(run.window, TEXT, "Parameter id")
    wait_for(5, lambda: parameter.get_state_set().contains(State.FOCUSED), "the cursor in {id}")
    run.type("42")
    press(find(run.window, Role.PUSH_BUTTON, "Send"))
    dialog = run.confirm_dialog()
    request = text_of(find(dialog, TEXT, "Request to send"))
    check("PURGE /product/42" in request and "X-Purge-Reason: price change" in request, f"confirmation shows {request!r}")
    check(run.confirmed_targets(dialog)[:5] == run.urls[:5], "the confirmation lists the first five targets")
    run.shot("gui/confirm")
    run.expect_counts([0] * 6, "before the confirmation")
    press(find(dialog, Role.PUSH_BUTTON, "No"))
    run.dialog_gone()
    run.expect_counts([0] * 6, "answered No")

    press(find(run.window, Role.PUSH_BUTTON, "Send"))
    press(find(run.confirm_dialog(), Role.PUSH_BUTTON, "Yes, send"))
    run.expect_counts([1, 1, 1, 1, 2, 1], "confirmed (the 503 backend retried once)")
    check(all(r[0]["path"] == "/product/42" for r in map(run.received, range(6))), "every backend got /product/42")
    check(run.received(3)[0]["headers"].get("X-Purge-Reason") == "price change", "the profile's header was not sent")


def live_table(run):
    # The summary label is named "Summary" and Qt 6.4 gives labels no Text interface, so the
    # verdict is read from the table itself: six rows, five ok, the 503 one failed after two attempts.
    table = find(run.window, Role.TABLE, "Results")
    wait_for(20, lambda: sum("ok" in row for row in table_rows(table)) == 5, "five rows ok in the live table")
    rows = table_rows(table)
    check(len(rows) == 6, f"the live table has {len(rows)} rows")
    by_target = {row[0]: row for row in rows}
    check(set(by_target) == set(run.urls), f"the live table's targets {sorted(by_target)}")
    failed = by_target[run.urls[4]]  # target, state, code, latency, attempts, error
    check(failed[1].startswith("failed") and failed[2] == "503" and failed[4] == "2", f"the 503 row: {failed}")
    check(by_target[run.urls[0]][1:3] == ["ok", "200"], f"a healthy row: {by_target[run.urls[0]]}")
    run.shot("screenshot")  # the README's picture: the live table after the broadcast

    run.key("ctrl+f")
    run.type("failed")
    wait_for(5, lambda: len(table_rows(table)) == 1, "the filter to leave the failed row")
    run.key("Tab", "Down")  # into the table: the row's details below
    run.shot("gui/results-filter")
    focus(find(run.window, TEXT, "Filter results"))
    run.key("ctrl+a", "BackSpace")
    wait_for(5, lambda: len(table_rows(table)) == 6, "the filter cleared")


def compare(run):
    # Two rows selected with real keys (Qt does not let AT-SPI select in item views), then Compare.
    # (Results > Compare selected..., Ctrl+D: menu items are not in the tree until the menu opens.)
    before = run.counts()
    run.key("ctrl+f", "Tab", "End", "Up", "Up", "shift+Down")  # exactly two rows, near the end
    run.key("ctrl+d")
    dialog = find(run.app, Role.DIALOG, contains="ompar")
    run.shot("gui/compare-live")
    run.key("Escape")
    wait_for(5, lambda: not showing(dialog), "the compare dialog to close")
    run.expect_counts(before, "compare sends nothing")


def send_again_to_failed(run):
    press(find(run.window, Role.PUSH_BUTTON, "Send again to failed"))
    dialog = run.confirm_dialog()
    check(run.confirmed_targets(dialog) == [run.urls[4]], f"asked for {run.confirmed_targets(dialog)}")
    press(find(dialog, Role.PUSH_BUTTON, "Yes, send"))
    run.expect_counts([1, 1, 1, 1, 4, 1], "send again to failed")


def history(run):
    table = run.tab("History", (Role.TABLE, "History"))
    page = run.window
    wait_for(10, lambda: len(table_rows(table)) == 2, "two broadcasts in the history")
    columns = column_names(table)
    check("Face" in columns and "Headers" in columns and "Body" in columns, f"history columns {columns}")
    rows = table_rows(table)
    face, headers, targets = columns.index("Face"), columns.index("Headers"), columns.index("Targets")
    check(all(row[face] == "gui" for row in rows), f"faces {[row[face] for row in rows]}")
    check(rows[1][targets] == "5/6 ok" and rows[0][targets] == "0/1 ok", f"targets {[row[targets] for row in rows]}")
    check("X-Purge-Reason: price change" in rows[1][headers], f"headers {rows[1][headers]!r}")
    focus(find(page, TEXT, "Filter history"))
    run.key("Tab", "Tab")  # past the outcome filter, into the list
    wait_for(3, lambda: focused(table), "the focus in the history list")
    run.key("ctrl+Home", "ctrl+End")  # the oldest: the first broadcast, to six
    request = find(page, TEXT, "Request of the selected broadcast")
    wait_for(5, lambda: "PURGE /product/42" in text_of(request), "the selected broadcast's request")
    check("Host: shop.example.com\nX-Purge-Reason: price change\nno body" in text_of(request), f"request {text_of(request)!r}")
    results = find(page, Role.TABLE, "Results of the selected broadcast")
    wait_for(5, lambda: len(table_rows(results)) == 6, "the selected broadcast's six results")
    run.shot("gui/history")

    # Send again to failed from that entry: the confirmation names the failed target only.
    press(find(page, Role.PUSH_BUTTON, "Send again to failed"))
    dialog = run.confirm_dialog()
    check(run.confirmed_targets(dialog) == [run.urls[4]], f"asked for {run.confirmed_targets(dialog)}")
    run.shot("gui/history-again-confirm")
    press(find(dialog, Role.PUSH_BUTTON, "Yes, send"))
    run.expect_counts([1, 1, 1, 1, 6, 1], "send again to failed from the history")
    check(run.received(4)[-1]["path"] == "/product/42", "the rerun sent another path")
    check(run.received(4)[-1]["headers"].get("X-Purge-Reason") == "price change", "the rerun lost a header")


def targets_and_circuit(run):
    run.tab("Broadcast", (Role.TABLE, "Results"))
    # Two more failures make five in a row: the 503 backend's circuit opens.
    for round, total in ((1, 8), (2, 10)):
        press(find(run.window, Role.PUSH_BUTTON, "Send again to failed"))
        press(find(run.confirm_dialog(), Role.PUSH_BUTTON, "Yes, send"))
        run.expect_counts([1, 1, 1, 1, total, 1], f"failure round {round}")
        run.dialog_gone()
        again = find(run.window, Role.PUSH_BUTTON, "Send again to failed")
        wait_for(10, lambda: again.get_state_set().contains(State.ENABLED), "the broadcast to finish")
    table = run.tab("Targets", (Role.TABLE, "Targets and circuits"))
    page = run.window
    wait_for(5, lambda: any(run.urls[4] == row[0] and any(c.startswith("open") for c in row) for row in table_rows(table)),
             "the open circuit in the targets view")
    run.shot("gui/targets")
    press(find(page, Role.PUSH_BUTTON, "Reset circuit"))
    wait_for(5, lambda: not any(any(c.startswith("open") for c in row) for row in table_rows(table)), "the circuit closed")
    run.shot("gui/targets-reset")
    run.tab("Broadcast", (Role.TABLE, "Results"))
    press(find(run.window, Role.PUSH_BUTTON, "Send again to failed"))
    press(find(run.confirm_dialog(), Role.PUSH_BUTTON, "Yes, send"))
    run.expect_counts([1, 1, 1, 1, 12, 1], "the reset circuit is tried again")


def small_window(run):
    window_id = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(run.process.pid)],
                               capture_output=True, text=True).stdout.split()[-1]
    subprocess.run(["xdotool", "windowsize", "--sync", window_id, "900", "600"], check=True)
    toggle = find(run.window, None, "Show composer")  # Qt gives a checkable tool button its own role
    press(toggle)
    wait_for(5, lambda: not find_all(run.window, TEXT, "Path"), "the composer folded")
    run.shot("gui/layout-900x600")
    press(toggle)
    run.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    Atspi.init()
    run = Run(args)
    steps = [first_start, compose_and_confirm, live_table, compare, send_again_to_failed, history,
             targets_and_circuit, small_window]
    try:
        for step in steps:
            started = time.monotonic()
            step(run)
            run.log(f"step {step.__name__} passed ({time.monotonic() - started:.1f} s)")
    except Failed as failure:
        print(f"realwindow: FAIL in {step.__name__}: {failure}", file=sys.stderr)
        try:
            subprocess.run(["import", "-window", "root", os.path.join(args.work, "failure.png")], check=False)
        except OSError:
            pass
        return 1
    finally:
        if run.process and run.process.poll() is None:
            run.process.kill()
            run.process.wait()
    run.log(f"{sum(run.counts())} requests checked, screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
