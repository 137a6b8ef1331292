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

    def type_lines(self, *lines):
        """Types each line with Return between them (xdotool type sends no key for a newline here)."""
        for number, line in enumerate(lines):
            if number:
                self.key("Return")
            self.type(line)

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


def enabled(accessible):
    return accessible.get_state_set().contains(State.ENABLED)


def checked(accessible):
    return accessible.get_state_set().contains(State.CHECKED)


def preview(run):
    """Preview (Alt+W): one entry per target, each the request it would get; nothing is sent."""
    before = run.counts()
    run.key("alt+w")
    dialog = find(run.app, Role.DIALOG, contains="Preview")
    tree = find(dialog, None, "Requests per target")
    listed = lambda: " ".join(" ".join(row) for row in table_rows(tree))  # noqa: E731
    wait_for(5, lambda: all(f"{url}/product/42" in listed() for url in run.urls), "every target in the preview")
    check("PURGE " + run.urls[0] + "/product/42" in listed(), f"the preview lists {listed()!r}")
    find(dialog, Role.LABEL, contains=f"What each of the {len(run.urls)} targets will receive")
    run.shot("gui/preview-live")
    press(find(dialog, Role.PUSH_BUTTON, "Close"))
    wait_for(5, lambda: not showing(dialog), "the preview to close")
    run.expect_counts(before, "the preview sends nothing")


GROUP = "edge-pair"


def groups(run):
    """A group of two backends typed into the Groups tab, a bad line first; then the composer
    sends to that group alone, confirmed by typing its name."""
    run.key("alt+u")
    page = run.window
    name = find(page, TEXT, "Group name")
    press(find(page, Role.PUSH_BUTTON, "New group"))
    wait_for(3, lambda: focused(name), "New group to put the cursor in the name")  # it clears the fields first
    run.type(GROUP)
    editor = find(page, TEXT, "Group targets, one per line")
    focus(editor)
    run.type_lines("http://127.0.0.1:1/ok", "ftp://backend-b")
    error = find(page, Role.LABEL, contains="Line 2:")
    save = find(page, Role.PUSH_BUTTON, "Save group")
    check(not enabled(save), "Save group is enabled with a bad line")
    check("scheme 'ftp'" in error.get_name() and "Line 1" not in error.get_name(), f"the line errors: {error.get_name()!r}")
    run.shot("gui/groups-error")
    run.key("ctrl+a", "BackSpace")
    run.type_lines(run.urls[1], run.urls[3])
    wait_for(5, lambda: enabled(save), "Save group enabled once every line is right")
    check(not find_all(page, Role.LABEL, contains="Line "), "a line error is still shown")
    press(save)
    stored = os.path.join(run.env["XDG_CONFIG_HOME"], "herald", "groups", f"{GROUP}.json")
    wait_for(5, lambda: os.path.exists(stored), f"the group saved as {stored}")
    saved = json.load(open(stored))["targets"]["static"]
    check(saved == [run.urls[1], run.urls[3]], f"the group holds {saved}")
    find(page, Role.LABEL, contains=f"Group {GROUP} saved")
    run.shot("gui/groups")

    # File > Preferences: type the count (or the group's name) above one target.
    run.key("alt+i", "p")
    preferences = find(run.app, Role.DIALOG, "Preferences")
    spin = find(preferences, None, "Type the count above:")
    focus(spin)
    run.key("ctrl+a")
    run.type("1")
    press(find(preferences, Role.PUSH_BUTTON, "OK"))
    wait_for(5, lambda: not showing(preferences), "the preferences to close")

    # The composer: its own targets cleared, the group checked (Space in the list, Alt+P).
    run.key("alt+b")
    targets = find(run.window, TEXT, "Targets")
    focus(targets)
    run.key("ctrl+a", "BackSpace")
    picker = find(run.window, Role.LIST, "Target groups")
    run.key("alt+p")
    wait_for(3, lambda: focused(picker), "the focus in the composer's group list")
    item = wait_for(5, lambda: next((c for c in children(picker) if c.get_name() == GROUP), None), f"{GROUP} in the composer")
    run.key("space")
    wait_for(5, lambda: checked(item), f"{GROUP} checked in the composer")
    before = run.counts()
    send = find(run.window, Role.PUSH_BUTTON, "Send")
    wait_for(5, lambda: enabled(send), "Send enabled with the group as the only targets")
    press(send)
    dialog = run.confirm_dialog()
    check(sorted(run.confirmed_targets(dialog)) == sorted([run.urls[1], run.urls[3]]),
          f"the group's confirmation lists {run.confirmed_targets(dialog)}")
    yes = find(dialog, Role.PUSH_BUTTON, "Yes, send")
    check(not enabled(yes), "Yes is enabled before the count or the group's name is typed")
    focus(find(dialog, TEXT, contains=f"group name ({GROUP})"))
    run.type(GROUP)
    wait_for(5, lambda: enabled(yes), "Yes enabled by the group's name")
    run.shot("gui/groups-confirm")
    press(yes)
    expected = list(before)
    expected[1] += 1
    expected[3] += 1
    run.expect_counts(expected, f"sent to the group {GROUP}")
    check(run.received(1)[-1]["path"] == "/product/42", f"the group got {run.received(1)[-1]['path']}")


def export(run):
    """Export results (Ctrl+Shift+S) into Qt's own file dialog: a CSV of the group's broadcast."""
    table = find(run.window, Role.TABLE, "Results")
    wait_for(10, lambda: sum("ok" in row for row in table_rows(table)) == 2, "the group's two rows ok")
    before = run.counts()
    path = os.path.join(run.work, "run.csv")
    run.key("ctrl+shift+s")
    dialog = find(run.app, Role.DIALOG, "Export results")
    focus(find(dialog, TEXT, "File name:"))  # its buddy label names it
    run.key("ctrl+a")
    run.type(path)
    run.key("Return")
    wait_for(10, lambda: os.path.exists(path) and not showing(dialog), f"{path} written")
    lines = open(path).read().splitlines()
    check(len(lines) == 3, f"the CSV should be a header and two targets: {lines}")
    check(lines[0] == "target,outcome,status,latency_ms,attempts,error,group", f"the CSV's header {lines[0]!r}")
    rows = sorted(line.split(",")[:3] for line in lines[1:])
    check(rows == sorted([[run.urls[1], "ok", "200"], [run.urls[3], "ok", "200"]]), f"the CSV's rows {lines[1:]}")
    run.expect_counts(before, "the export sends nothing")


def copy_curl(run):
    """Copy as curl (Ctrl+Shift+C): the clipboard's commands, run with real curl, reach the backends."""
    before = run.counts()
    run.key("ctrl+shift+c")
    text = wait_for(10, lambda: subprocess.run(["xclip", "-selection", "clipboard", "-o"], capture_output=True,
                                               text=True).stdout.strip() or None, "curl commands on the clipboard")
    copied = [i for i, url in enumerate(run.urls) if url in text]
    check(copied and set(copied) <= {1, 3}, f"the clipboard names the group's targets only: {text!r}")
    subprocess.run(["sh", "-c", text], check=True, capture_output=True, timeout=30)
    expected = [n + (1 if i in copied else 0) for i, n in enumerate(before)]
    run.expect_counts(expected, "the copied curl commands, run in a shell")


def paste_curl(run):
    """Paste curl command (Ctrl+Shift+V): typed into the box, used in the composer, then sent."""
    run.key("ctrl+shift+v")
    dialog = find(run.app, Role.DIALOG, "Paste curl command")
    focus(find(dialog, TEXT, "curl command"))
    run.key("ctrl+a")  # the box starts with the clipboard when it holds curl commands (copy_curl's)
    run.type("curl -X BAN -H 'X-Ban-Url: ^/p' http://varnish.example:6081/ban/path")
    run.shot("gui/paste-curl")
    press(find(dialog, Role.PUSH_BUTTON, "Use in composer"))
    wait_for(5, lambda: not showing(dialog), "the paste dialog to close")
    # Qt 6.4 names a combo box by its current text; the method's is told apart by its tooltip.
    method = wait_for(5, lambda: next((c for c in find_all(run.window, Role.COMBO_BOX)
                                       if (c.get_description() or "").startswith("Any HTTP method")), None),
                      "the composer's method box")
    check(method.get_name() == "BAN", f"the composer's method {method.get_name()!r}")
    path = find(run.window, TEXT, "Path")
    check(text_of(path) == "/ban/path", f"the composer's path {text_of(path)!r}")
    headers = table_rows(find(run.window, Role.TABLE, "Headers"))
    check(headers == [["X-Ban-Url", "^/p"]], f"the composer's headers {headers}")
    before = run.counts()
    press(find(run.window, Role.PUSH_BUTTON, "Send"))
    dialog = run.confirm_dialog()
    check("BAN /ban/path" in text_of(find(dialog, TEXT, "Request to send")), "the confirmation's request")
    focus(find(dialog, TEXT, contains="Type the number of targets (2)"))
    run.type("2")
    press(find(dialog, Role.PUSH_BUTTON, "Yes, send"))
    expected = list(before)
    expected[1] += 1
    expected[3] += 1
    run.expect_counts(expected, "the pasted BAN")
    for index in (1, 3):
        last = run.received(index)[-1]
        check(last["method"] == "BAN" and last["path"] == "/ban/path", f"backend {index} got {last['method']} {last['path']}")
        check(last["headers"].get("X-Ban-Url") == "^/p", f"backend {index}'s headers {last['headers']}")
        check(last["headers"].get("Host") != "varnish.example:6081", "the curl command's host was sent")


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
             targets_and_circuit, preview, groups, export, copy_curl, paste_curl, small_window]
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
