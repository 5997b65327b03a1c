#!/usr/bin/python3
"""The Services overview as a screen-reader user meets it (DESIGN §11): starts `opsdeck --demo`, finds
the application over AT-SPI and reads, focuses and types only through the accessibility tree — the
tables by accessible name, cells by their text, the filter box by name, keys typed as a person types.
Fails (non-zero exit) on anything missing: pyatspi itself, the app, a table, a cell, a name.

Run it through run-atspi-test.sh (Xvfb, a private D-Bus session, the AT-SPI bus). Debian's
/usr/bin/python3 with python3-pyatspi, not another python3 on PATH.

usage: opsdeck_atspi.py OPSDECK [OPSDECK_SIM]
"""

import os
import re
import signal
import subprocess
import sys
import time

try:
    import pyatspi
except ImportError as error:  # fail loudly: a missing module must never read as a pass
    sys.exit("FAIL: pyatspi is not importable by %s (%s): install python3-pyatspi (scripts/setup)"
             % (sys.executable, error))

SEED = ("productservice", "orderservice", "notificationservice")
DEADLINE = time.monotonic() + 100  # the whole run; each wait below is shorter
# Roles a person operates or reads that must say what they are.
NAMED_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON: "push button",
    pyatspi.ROLE_TOGGLE_BUTTON: "toggle button",
    pyatspi.ROLE_CHECK_BOX: "check box",
    pyatspi.ROLE_RADIO_BUTTON: "radio button",
    pyatspi.ROLE_COMBO_BOX: "combo box",
    pyatspi.ROLE_TEXT: "text field",
    pyatspi.ROLE_ENTRY: "text field",
    pyatspi.ROLE_PASSWORD_TEXT: "password field",
    pyatspi.ROLE_SPIN_BUTTON: "spin box",
    pyatspi.ROLE_TABLE: "table",
    pyatspi.ROLE_TREE_TABLE: "tree table",
    pyatspi.ROLE_LIST: "list",
    pyatspi.ROLE_TREE: "tree",
    pyatspi.ROLE_SLIDER: "slider",
}
# Children of these are items (cells, rows), named by their content, and there may be thousands.
ITEM_CONTAINERS = {pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE, pyatspi.ROLE_LIST, pyatspi.ROLE_TREE}

failures = []


def log(text):
    print("atspi: " + text, flush=True)


def fail(text):
    failures.append(text)
    log("FAIL " + text)


def wait_for(what, predicate, timeout):
    """Polls predicate() until it returns something truthy; None when the time is up."""
    end = min(time.monotonic() + timeout, DEADLINE)
    last_error = None
    while time.monotonic() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # objects vanish and reappear while the app updates
            last_error = error
        time.sleep(0.25)
    log("gave up waiting for %s%s" % (what, " (%s)" % last_error if last_error else ""))
    return None


def fresh(accessible):
    """Drops libatspi's cached name/children/states so a read sees the app as it is now."""
    for name in ("clearCache", "clear_cache"):
        method = getattr(accessible, name, None)
        if method:
            try:
                method()
            except Exception:
                pass
            break
    return accessible


def children(accessible):
    fresh(accessible)
    result = []
    for i in range(accessible.childCount):
        child = accessible.getChildAtIndex(i)
        if child is not None:
            result.append(child)
    return result


def walk(accessible, into_items=False):
    """Every descendant, depth first; item containers' cells are skipped unless asked for."""
    for child in children(accessible):
        yield child
        if into_items or child.getRole() not in ITEM_CONTAINERS:
            yield from walk(child, into_items)


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        try:
            if app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def find(root, role, name):
    for accessible in walk(root):
        if accessible.getRole() == role and accessible.name == name:
            return accessible
    return None


def table_rows(table):
    """The table's cells as text, row by row, and its column names."""
    fresh(table)
    itable = table.queryTable()
    if itable.nRows == 0:
        return [], []  # Qt finds column headers through the first row's cells
    columns = []
    for c in range(itable.nColumns):
        header = itable.getColumnHeader(c)
        columns.append(header.name if header is not None else itable.getColumnDescription(c))
    rows = []
    for r in range(itable.nRows):
        rows.append([fresh(itable.getAccessibleAt(r, c)).name for c in range(itable.nColumns)])
    return columns, rows


def column(columns, name):
    for i, text in enumerate(columns):
        if text.strip().lower() == name.lower():
            return i
    raise LookupError("no column %r in %r" % (name, columns))


def has_state(accessible, state):
    return fresh(accessible).getState().contains(state)


def check_services(frame):
    services = wait_for('the table named "Services"', lambda: find(frame, pyatspi.ROLE_TABLE, "Services"), 30)
    if services is None:
        fail('no table with the accessible name "Services"')
        return None
    replicas = re.compile(r"^\d+/\d+$")

    def seed_readable():
        columns, rows = table_rows(services)
        name, stable = column(columns, "Service"), column(columns, "Stable")
        by_name = {row[name]: row for row in rows}
        if all(s in by_name and replicas.match(by_name[s][stable]) for s in SEED):
            return columns, rows
        return None

    read = wait_for("the three seed services with replica counts", seed_readable, 40)
    if read is None:
        columns, rows = table_rows(services)
        fail("Services table does not show %s with stable replicas; columns %r, rows %r" % (SEED, columns, rows))
        return services
    columns, rows = read
    log("Services columns: %s" % ", ".join(columns))
    for row in rows:
        log("  " + " | ".join(row))
    if len(rows) != len(SEED):
        fail("Services table has %d rows, expected the %d seed services" % (len(rows), len(SEED)))
    canary = column(columns, "Canary")
    for row in rows:
        if not replicas.match(row[canary]):
            fail("%s: canary cell %r is not ready/desired" % (row[column(columns, "Service")], row[canary]))
    return services


def activate_window(pid, frame):
    """What a window manager does for a window that opens: give it the keyboard. Xvfb runs none."""
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                           capture_output=True, text=True, timeout=20)
    for window in found.stdout.split():
        subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True, timeout=10)
        if wait_for("the window to become active", lambda: has_state(frame, pyatspi.STATE_ACTIVE), 3):
            return True
    fail("the window never became active (xdotool found %r)" % found.stdout.split())
    return False


def check_filter(frame, services):
    box = None
    for role in (pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY):
        box = box or find(frame, role, "Filter services")
    if box is None:
        fail('no text field named "Filter services"')
        return
    box.queryComponent().grabFocus()
    if wait_for("focus in the filter box", lambda: has_state(box, pyatspi.STATE_FOCUSED), 10) is None:
        fail('"Filter services" cannot be focused')
        return
    log('"Filter services" has the focus; typing "order"')
    # Typed as keys (XTest under Xvfb), the way a person types, not set through EditableText.
    pyatspi.Registry.generateKeyboardEvent(0, "order", pyatspi.KEY_STRING)
    text = wait_for('"order" in the filter box',
                    lambda: fresh(box).queryText().getText(0, -1) == "order" or None, 10)
    if text is None:
        fail('typing into "Filter services" left %r' % fresh(box).queryText().getText(0, -1))
        return

    def only_order():
        columns, rows = table_rows(services)
        names = [row[column(columns, "Service")] for row in rows]
        return names if names == ["orderservice"] else None

    if wait_for("only orderservice's row", only_order, 10) is None:
        columns, rows = table_rows(services)
        fail('after typing "order" the Services table shows %r' % [row[column(columns, "Service")] for row in rows])
        return
    log('filter "order" leaves only orderservice')

    # The box's clear button, found and pressed by its name, brings every service back.
    clear = next((c for c in walk(box) if c.getRole() == pyatspi.ROLE_PUSH_BUTTON and c.name), None)
    if clear is None:
        fail('"Filter services" has no named clear button')
        return
    action = clear.queryAction()
    action.doAction(next(i for i in range(action.nActions) if action.getName(i) == "Press"))
    if wait_for("every service back", lambda: len(table_rows(services)[1]) == len(SEED), 10) is None:
        fail("pressing %r left %d rows" % (clear.name, len(table_rows(services)[1])))
        return
    log("pressing %r shows all %d services again" % (clear.name, len(SEED)))


def check_detail_tables(frame):
    for name in ("Pods", "Events"):
        table = find(frame, pyatspi.ROLE_TABLE, name)
        if table is None:
            fail("no table named %r" % name)
        else:
            log("found table %r (%d columns)" % (name, table.queryTable().nColumns))


def check_names(frame):
    checked = 0
    for accessible in walk(frame):
        role = accessible.getRole()
        if role not in NAMED_ROLES:
            continue
        checked += 1
        if not (accessible.name or "").strip():
            parent = accessible.parent
            where = "%s %r" % (parent.getRoleName(), parent.name) if parent is not None else "?"
            fail("%s without an accessible name (in %s; description %r)"
                 % (NAMED_ROLES[role], where, accessible.description))
    log("%d buttons, boxes, fields, tables and lists checked for names" % checked)
    if checked < 6:
        fail("only %d named-role widgets found: the tree was not read" % checked)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    opsdeck = sys.argv[1]
    env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1")
    if len(sys.argv) > 2:
        env["OPSDECK_SIM"] = sys.argv[2]
    if not os.access(opsdeck, os.X_OK):
        sys.exit("FAIL: %s is not an executable (build the opsdeck target)" % opsdeck)
    # Its own process group: the app and the sim it starts end with the test.
    app_process = subprocess.Popen([opsdeck, "--demo"], env=env, start_new_session=True)
    log("started %s --demo (pid %d)" % (opsdeck, app_process.pid))
    try:
        app = wait_for("opsdeck on the AT-SPI bus", lambda: app_process.poll() is None and find_app(app_process.pid), 30)
        if app is None:
            sys.exit("FAIL: opsdeck (pid %d) never appeared on the AT-SPI bus%s"
                     % (app_process.pid, "" if app_process.poll() is None else "; it exited with %s" % app_process.returncode))
        log("found application %r" % app.name)
        frame = wait_for("the main window", lambda: next((c for c in children(app) if c.getRole() == pyatspi.ROLE_FRAME), None), 20)
        if frame is None:
            sys.exit("FAIL: opsdeck has no window on the AT-SPI bus")
        log("window %r" % frame.name)
        services = check_services(frame)
        if services is not None and activate_window(app_process.pid, frame):
            check_filter(frame, services)
        check_detail_tables(frame)
        check_names(frame)
    finally:
        # The app stops its sim when it exits; whatever is left of its process group after that goes too.
        if app_process.poll() is None:
            app_process.terminate()
            try:
                app_process.wait(15)
            except subprocess.TimeoutExpired:
                app_process.kill()
                app_process.wait()
        try:
            os.killpg(app_process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if failures:
        sys.exit("FAIL: %d problem(s):\n  %s" % (len(failures), "\n  ".join(failures)))
    log("PASS")


if __name__ == "__main__":
    main()
