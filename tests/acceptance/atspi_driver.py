#!/usr/bin/python3
"""Finds and works the apps' widgets through AT-SPI, the way a screen reader does.

pyatspi is Debian's, so this runs under the system's ``/usr/bin/python3`` (standard library
and pyatspi only), not the project's venv. The acceptance tests start it once per demo and
talk to it in JSON lines: each request on stdin is an object with an ``id`` and a ``cmd``,
each answer on stdout is ``{"id": …, "ok": true, "result": …}`` or ``{"id": …, "ok": false,
"error": "…"}``.

A widget is chosen by a *selector*: ``app`` (the application's name, e.g. vwindow-kiosk),
``name`` (exact), ``name_re`` (a regular expression searched in the name), ``role`` (the
AT-SPI role name, e.g. "push button"), ``description_re``, ``within`` (a selector for an
ancestor to search under), ``index`` (the n-th match in tree order) and ``showing`` (default
true: only widgets on screen, and hidden subtrees are not searched).
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
from typing import Any

import pyatspi

POLL_S = 0.25


class DriverError(Exception):
    pass


def _state_names(acc: Any) -> list[str]:
    states = acc.getState().getStates()
    return sorted(pyatspi.stateToString(state) for state in states)


def _is_showing(acc: Any) -> bool:
    try:
        return bool(acc.getState().contains(pyatspi.STATE_SHOWING))
    except Exception:
        return False


def _applications(app_name: str | None) -> list[Any]:
    desktop = pyatspi.Registry.getDesktop(0)
    found = []
    for index in range(desktop.childCount):
        try:
            app = desktop.getChildAtIndex(index)
        except Exception:
            continue
        if app is None:
            continue
        if app_name is None or app.name == app_name:
            found.append(app)
    return found


def _applications_for(selector: dict[str, Any]) -> list[Any]:
    found = _applications(selector.get("app"))
    pid = selector.get("app_pid")
    if pid is None:
        return found
    return [app for app in found if _pid_of(app) == int(pid)]


def _pid_of(app: Any) -> int | None:
    try:
        return int(app.get_process_id())
    except Exception:
        return None


def _children(acc: Any) -> list[Any]:
    out = []
    try:
        count = acc.childCount
    except Exception:
        return out
    for index in range(count):
        try:
            child = acc.getChildAtIndex(index)
        except Exception:
            continue
        if child is not None:
            out.append(child)
    return out


def _walk(root: Any, showing_only: bool, depth: int = 0, max_depth: int = 60) -> Any:
    """Every descendant of ``root`` in tree order (not ``root`` itself)."""
    if depth > max_depth:
        return
    for child in _children(root):
        if showing_only and not _is_showing(child):
            # a window's frame may not carry the state itself; look below it anyway
            try:
                role = child.getRoleName()
            except Exception:
                continue
            if role not in ("frame", "window", "dialog", "application"):
                continue
        yield child
        yield from _walk(child, showing_only, depth + 1, max_depth)


def _matches(acc: Any, selector: dict[str, Any]) -> bool:
    try:
        name = acc.name or ""
        if "name" in selector and name != selector["name"]:
            return False
        if "name_re" in selector and not re.search(selector["name_re"], name):
            return False
        if "role" in selector and acc.getRoleName() != selector["role"]:
            return False
        if "role_re" in selector and not re.search(selector["role_re"], acc.getRoleName()):
            return False
        if "description_re" in selector and not re.search(
            selector["description_re"], acc.description or ""
        ):
            return False
        if selector.get("showing", True) and not _is_showing(acc):
            return False
    except Exception:
        return False
    return True


def _roots(selector: dict[str, Any]) -> list[Any]:
    apps = _applications_for(selector)
    within = selector.get("within")
    if within is None:
        return apps
    parent = dict(within)
    parent.setdefault("app", selector.get("app"))
    if "app_pid" in selector:
        parent.setdefault("app_pid", selector["app_pid"])
    return _find_all(parent)


def _find_all(selector: dict[str, Any]) -> list[Any]:
    showing_only = bool(selector.get("showing", True))
    found = []
    for root in _roots(selector):
        for acc in _walk(root, showing_only):
            if _matches(acc, selector):
                found.append(acc)
    return found


def _find(selector: dict[str, Any]) -> Any | None:
    found = _find_all(selector)
    index = int(selector.get("index", 0))
    if len(found) > index:
        return found[index]
    return None


def _wait(selector: dict[str, Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        acc = _find(selector)
        if acc is not None:
            return acc
        if time.monotonic() >= deadline:
            shown = json.dumps(selector, ensure_ascii=False)
            raise DriverError(f"not found within {timeout:.0f} s: {shown}")
        time.sleep(POLL_S)


def _text_of(acc: Any) -> str | None:
    try:
        text = acc.queryText()
    except NotImplementedError:
        return None
    except Exception:
        return None
    try:
        return str(text.getText(0, -1))
    except Exception:
        return None


def _value_of(acc: Any) -> float | None:
    try:
        return float(acc.queryValue().currentValue)
    except Exception:
        return None


def _actions_of(acc: Any) -> list[str]:
    try:
        action = acc.queryAction()
    except Exception:
        return []
    return [action.getName(i) for i in range(action.nActions)]


def _extents(acc: Any) -> list[int] | None:
    try:
        box = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    except Exception:
        return None
    return [int(box.x), int(box.y), int(box.width), int(box.height)]


def describe(acc: Any, *, with_text: bool = True) -> dict[str, Any]:
    try:
        app = acc.getApplication().name
    except Exception:
        app = None
    info: dict[str, Any] = {
        "app": app,
        "name": acc.name or "",
        "role": acc.getRoleName(),
        "description": acc.description or "",
        "states": _state_names(acc),
        "extents": _extents(acc),
        "actions": _actions_of(acc),
    }
    if with_text:
        info["text"] = _text_of(acc)
        info["value"] = _value_of(acc)
    info["showing"] = "showing" in info["states"]
    info["enabled"] = "enabled" in info["states"] or "sensitive" in info["states"]
    info["checked"] = "checked" in info["states"] or "pressed" in info["states"]
    return info


PRESS_ACTIONS = ("press", "click", "toggle", "activate", "jump", "showmenu")


def _press(acc: Any, preferred: str | None) -> str:
    action = acc.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    order = [preferred.lower()] if preferred else list(PRESS_ACTIONS)
    for wanted in order:
        for i, name in enumerate(names):
            if name.lower() == wanted:
                if not action.doAction(i):
                    raise DriverError(f"action {name!r} refused on {acc.name!r}")
                return name
    raise DriverError(f"{acc.name!r} ({acc.getRoleName()}) has no action among {order}: {names}")


def _editable(acc: Any) -> Any:
    """The widget itself, or its first descendant that takes text (an editable combo box)."""
    candidates = [acc, *_walk(acc, showing_only=False, max_depth=3)]
    for candidate in candidates:
        try:
            candidate.queryEditableText()
        except Exception:
            continue
        return candidate
    raise DriverError(f"{acc.name!r} ({acc.getRoleName()}) takes no text")


def _table(acc: Any) -> dict[str, Any]:
    table = acc.queryTable()
    headers = []
    for column in range(table.nColumns):
        header = table.getColumnHeader(column)
        headers.append(header.name if header is not None else table.getColumnDescription(column))
    rows = []
    for row in range(table.nRows):
        cells = []
        for column in range(table.nColumns):
            cell = table.getAccessibleAt(row, column)
            cells.append("" if cell is None else (cell.name or _text_of(cell) or ""))
        rows.append(cells)
    return {"headers": headers, "rows": rows}


def _selector(request: dict[str, Any]) -> dict[str, Any]:
    selector = request.get("selector")
    if not isinstance(selector, dict):
        raise DriverError("request has no selector")
    return selector


def handle(request: dict[str, Any]) -> Any:
    cmd = request.get("cmd")
    timeout = float(request.get("timeout", 0))
    if cmd == "ping":
        return "pong"
    if cmd == "apps":
        return [{"name": app.name, "pid": _pid_of(app)} for app in _applications(None)]
    if cmd in ("find", "wait"):
        selector = _selector(request)
        acc = _wait(selector, timeout) if cmd == "wait" or timeout else _find(selector)
        return None if acc is None else describe(acc)
    if cmd == "find_all":
        with_text = bool(request.get("text", False))
        return [describe(acc, with_text=with_text) for acc in _find_all(_selector(request))]
    if cmd == "wait_gone":
        selector = _selector(request)
        deadline = time.monotonic() + timeout
        while _find(selector) is not None:
            if time.monotonic() >= deadline:
                shown = json.dumps(selector, ensure_ascii=False)
                raise DriverError(f"still there after {timeout:.0f} s: {shown}")
            time.sleep(POLL_S)
        return True
    if cmd == "press":
        selector = _selector(request)
        acc = _wait(selector, timeout)
        if request.get("require_enabled", True):
            deadline = time.monotonic() + float(request.get("enabled_timeout", timeout))
            while "enabled" not in _state_names(acc) and "sensitive" not in _state_names(acc):
                if time.monotonic() >= deadline:
                    raise DriverError(f"{acc.name!r} ({acc.getRoleName()}) stays disabled")
                time.sleep(POLL_S)
                acc = _wait(selector, max(1.0, deadline - time.monotonic()))
        return _press(acc, request.get("action"))
    if cmd == "focus":
        acc = _wait(_selector(request), timeout)
        return bool(acc.queryComponent().grabFocus())
    if cmd == "set_text":
        acc = _editable(_wait(_selector(request), timeout))
        editable = acc.queryEditableText()
        if not editable.setTextContents(str(request["text"])):
            raise DriverError(f"{acc.name!r} refused the text")
        return _text_of(acc)
    if cmd == "select":
        # a list's or table's item: through the parent's Selection interface
        acc = _wait(_selector(request), timeout)
        parent = acc.parent
        selection = parent.querySelection()
        if not selection.selectChild(acc.getIndexInParent()):
            raise DriverError(f"{acc.name!r} could not be selected")
        return describe(acc)
    if cmd == "choose":
        # an entry of a combo box, found among its (hidden) list's items
        combo = _wait(_selector(request), timeout)
        wanted = re.compile(str(request["item_re"]))
        for item in _walk(combo, showing_only=False, max_depth=4):
            if item.getRoleName() in ("list item", "menu item") and wanted.search(item.name or ""):
                parent = item.parent
                if not parent.querySelection().selectChild(item.getIndexInParent()):
                    raise DriverError(f"{item.name!r} could not be chosen")
                return item.name
        raise DriverError(f"no entry matching {wanted.pattern!r} in {combo.name!r}")
    if cmd == "table":
        acc = _wait(_selector(request), timeout)
        return _table(acc)
    if cmd == "tree":
        rows = []
        showing_only = bool(request.get("showing", True))
        for app in _applications(request.get("app")):
            rows.append(f"[app] {app.name}")
            for acc in _walk(app, showing_only, max_depth=int(request.get("depth", 60))):
                try:
                    rows.append(
                        f"{acc.getRoleName()} | {acc.name!r} | {acc.description!r}"
                        f" | {','.join(_state_names(acc))} | {_extents(acc)}"
                    )
                except Exception:
                    continue
        return rows
    raise DriverError(f"unknown command {cmd!r}")


def main() -> int:
    out = sys.stdout
    print(json.dumps({"id": 0, "ok": True, "result": "ready"}), file=out, flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request: dict[str, Any] = {}
        try:
            request = json.loads(line)
            answer = {"id": request.get("id"), "ok": True, "result": handle(request)}
        except DriverError as exc:
            answer = {"id": request.get("id"), "ok": False, "error": str(exc)}
        except Exception as exc:
            answer = {
                "id": request.get("id"),
                "ok": False,
                "error": f"{type(exc).__name__}: {exc}",
                "trace": traceback.format_exc(),
            }
        print(json.dumps(answer, ensure_ascii=False), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
