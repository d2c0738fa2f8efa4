"""The news organisations the press-pickup detector recognises: the bundled list
(``resources/press.json``, described in ``resources/README.md``) and each workspace's own
changes to it, kept in the workspace (``meta`` key ``press_list``) so that they travel with it.

A workspace's changes are additions (an account or a domain, with the outlet it belongs to)
and removals (of a bundled entry, or of an addition). :func:`for_workspace` gives the list
the detector uses; :func:`entries` lists every entry with where it comes from, for the CLI's
``press`` command and the window's press dialog.

Handles compare without @ and case; domains without a scheme, ``www.`` and case, and a link
counts for a domain when its host is the domain or a subdomain of it (the most specific
listed domain wins: ``dealbook.nytimes.com`` over ``nytimes.com``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.store.workspace import Workspace, normalise_handle

#: the workspace setting that holds the changes
SETTING = "press_list"

_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


@dataclass(frozen=True)
class Outlet:
    """A news organisation: its name, country (ISO 3166 code; ``INT`` for international
    outlets), kind (wire, broadcaster, newspaper, magazine, business, online, trade), its
    accounts (lower case, no @) and web domains."""

    name: str
    country: str
    kind: str
    accounts: tuple[str, ...]
    domains: tuple[str, ...]


@dataclass(frozen=True)
class PressList:
    """Press accounts and news domains, each mapped to its outlet's name (lower-case keys,
    handles without @); ``outlets`` the bundled outlets' particulars by name."""

    accounts: dict[str, str]
    domains: dict[str, str]
    outlets: dict[str, Outlet]

    def outlet_of_account(self, handle: str | None) -> str | None:
        return self.accounts.get(clean_handle(handle or ""))

    def outlet_of_domain(self, domain: str | None) -> str | None:
        return self.domains.get(clean_domain(domain or ""))

    def country_of(self, outlet: str) -> str:
        o = self.outlets.get(outlet)
        return o.country if o else ""


@dataclass(frozen=True)
class Entry:
    """One account or domain of a workspace's press list: ``what`` is "account" or "domain";
    ``origin`` "bundled" or "added" (by the user, in this workspace); ``removed`` whether the
    user took a bundled entry out."""

    what: str
    key: str
    outlet: str
    origin: str
    removed: bool = False


# ---- reading lists --------------------------------------------------------------------------

_cache: dict[tuple[str, float], PressList] = {}
_lock = threading.Lock()


def bundled_path() -> Path:
    from app.paths import bundled

    return bundled("resources") / "press.json"


def load(path: str | os.PathLike | None = None) -> PressList:
    """Read a press list: ``{"outlets": [{"name", "country", "kind", "accounts": [...],
    "domains": [...]}]}``, and/or top-level ``"accounts"`` and ``"domains"`` (lists, or
    objects mapping each to its outlet's name). Handles lose their @ and case; domains lose a
    scheme, ``www.`` and case. Raises :class:`UserError` when the file cannot be read."""
    path = Path(path) if path is not None else bundled_path()
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise UserError(f"The press list {path} cannot be read: {exc.strerror or exc}.") from exc
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"The press list {path} is not a readable JSON file ({exc}).") from exc
    if not isinstance(data, dict):
        raise UserError(f"The press list {path} must hold a JSON object with “outlets”.")
    accounts: dict[str, str] = {}
    domains: dict[str, str] = {}
    outlets: dict[str, Outlet] = {}

    def add(target: dict[str, str], items: Any, outlet: str | None, clean) -> list[str]:
        pairs = items.items() if isinstance(items, dict) else ((i, None) for i in items or [])
        kept = []
        for item, name in pairs:
            k = clean(str(item))
            if k:
                # an entry of its own (the flat form) is named by its handle or domain
                target.setdefault(k, str(name or outlet or (f"@{k}" if clean is clean_handle else k)))
                kept.append(k)
        return kept

    for o in data.get("outlets", []):
        if not isinstance(o, dict) or not o.get("name"):
            continue
        name = str(o["name"])
        acc = add(accounts, o.get("accounts"), name, clean_handle)
        dom = add(domains, o.get("domains"), name, clean_domain)
        outlets.setdefault(
            name, Outlet(name, str(o.get("country", "")), str(o.get("kind", "")), tuple(acc), tuple(dom))
        )
    add(accounts, data.get("accounts"), None, clean_handle)
    add(domains, data.get("domains"), None, clean_domain)
    press = PressList(accounts, domains, outlets)
    with _lock:
        _cache[key] = press
    return press


def clean_handle(h: str) -> str:
    return h.strip().lstrip("@").lower()


def clean_domain(d: str) -> str:
    d = d.strip().lower()
    d = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", d).split("/", 1)[0]
    return d[4:] if d.startswith("www.") else d


# ---- a workspace's own list -----------------------------------------------------------------


def _changes(ws: Workspace) -> dict[str, dict]:
    raw = ws.meta().get(SETTING)
    empty: dict[str, dict] = {
        "accounts": {"add": {}, "remove": []},
        "domains": {"add": {}, "remove": []},
    }
    if not raw:
        return empty
    try:
        data = json.loads(raw)
    except ValueError:
        return empty  # a damaged setting must not stop the analysis: the bundled list serves
    for what in ("accounts", "domains"):
        part = data.get(what) if isinstance(data, dict) else None
        if isinstance(part, dict):
            add = part.get("add")
            remove = part.get("remove")
            add = add if isinstance(add, dict) else {}
            remove = remove if isinstance(remove, list) else []
            empty[what] = {
                "add": {str(k): str(v) for k, v in add.items()},
                "remove": [str(x) for x in remove],
            }
    return empty


def for_workspace(ws: Workspace, path: str | os.PathLike | None = None) -> PressList:
    """The list the detector uses on ``ws``: the bundled list (or the file at ``path``) with
    the workspace's additions and without its removals."""
    base = load(path)
    ch = _changes(ws)
    if not any(ch[w]["add"] or ch[w]["remove"] for w in ch):
        return base
    accounts = {k: v for k, v in base.accounts.items() if k not in set(ch["accounts"]["remove"])}
    accounts.update(ch["accounts"]["add"])
    domains = {k: v for k, v in base.domains.items() if k not in set(ch["domains"]["remove"])}
    domains.update(ch["domains"]["add"])
    return PressList(accounts, domains, base.outlets)


def entries(ws: Workspace, path: str | os.PathLike | None = None) -> list[Entry]:
    """Every entry of the workspace's list, accounts then domains, each sorted by outlet then
    key; bundled entries the user removed are listed with ``removed``."""
    return _entries(load(path), _changes(ws))


def entries_bundled(path: str | os.PathLike | None = None) -> list[Entry]:
    """Every entry of the bundled list (or of the file at ``path``), as :func:`entries` orders them."""
    return _entries(load(path), {"accounts": {"add": {}, "remove": []}, "domains": {"add": {}, "remove": []}})


def _entries(base: PressList, ch: dict[str, dict]) -> list[Entry]:
    out: list[Entry] = []
    for what, bundled_items in (("account", base.accounts), ("domain", base.domains)):
        part = ch[what + "s"]
        removed = set(part["remove"])
        rows = [
            Entry(what, k, v, "bundled", k in removed)
            for k, v in bundled_items.items()
            if k not in part["add"]
        ]
        rows += [Entry(what, k, v, "added") for k, v in part["add"].items()]
        out += sorted(rows, key=lambda e: (e.outlet.lower(), e.key))
    return out


def check_account(handle: str) -> str:
    """``handle`` as the list keeps it (no @, lower case); :class:`UserError` if it is not one."""
    return normalise_handle(handle)


def check_domain(domain: str) -> str:
    """``domain`` as the list keeps it (no scheme, no ``www.``, lower case); :class:`UserError`
    if it is not a web domain."""
    key = clean_domain(domain)
    if not _DOMAIN.match(key):
        raise UserError(
            f"“{domain.strip()}” is not a web domain (for example lemonde.fr or news.example.org)."
        )
    return key


def add_account(ws: Workspace, handle: str, outlet: str | None = None) -> Entry:
    """Count ``handle`` as a press account of ``outlet`` (default: its own @handle) in this
    workspace."""
    key = check_account(handle)
    return _add(ws, "accounts", key, (outlet or "").strip() or f"@{key}")


def add_domain(ws: Workspace, domain: str, outlet: str | None = None) -> Entry:
    """Count links to ``domain`` (and its subdomains) as links to ``outlet`` (default: the
    domain itself) in this workspace."""
    key = check_domain(domain)
    return _add(ws, "domains", key, (outlet or "").strip() or key)


def listed(ws: Workspace, what: str, key: str) -> bool:
    """Whether the workspace's list counts ``key`` (an account handle or a domain, as
    :func:`clean_handle`/:func:`clean_domain` give them) as press."""
    current = for_workspace(ws)
    return key in (current.accounts if what == "account" else current.domains)


def remove_account(ws: Workspace, handle: str) -> Entry:
    """Stop counting ``handle`` as press in this workspace."""
    return _remove(ws, "accounts", clean_handle(handle), f"@{clean_handle(handle)}")


def remove_domain(ws: Workspace, domain: str) -> Entry:
    """Stop counting links to ``domain`` as press in this workspace."""
    return _remove(ws, "domains", clean_domain(domain), clean_domain(domain))


def reset(ws: Workspace) -> None:
    """Forget the workspace's changes: the bundled list serves again."""
    ws.set_setting(SETTING, None)


def _add(ws: Workspace, what: str, key: str, outlet: str) -> Entry:
    ch = _changes(ws)
    part = ch[what]
    part["remove"] = [k for k in part["remove"] if k != key]
    bundled_items = getattr(load(), what)
    if bundled_items.get(key) == outlet:
        part["add"].pop(key, None)  # back to the bundled entry as it was
        origin = "bundled"
    else:
        part["add"][key] = outlet
        origin = "added"
    _save(ws, ch)
    return Entry(what[:-1], key, outlet, origin)


def _remove(ws: Workspace, what: str, key: str, shown: str) -> Entry:
    ch = _changes(ws)
    part = ch[what]
    bundled_items = getattr(load(), what)
    if key in part["add"]:
        outlet = part["add"].pop(key)
        if key in bundled_items:
            part["remove"].append(key)
    elif key in bundled_items:
        outlet = bundled_items[key]
        if key not in part["remove"]:
            part["remove"].append(key)
    else:
        noun = "account" if what == "accounts" else "domain"
        raise UserError(f"{shown} is not a press {noun} of this workspace's list.")
    part["remove"] = sorted(set(part["remove"]))
    _save(ws, ch)
    return Entry(what[:-1], key, outlet, "bundled" if key in bundled_items else "added", True)


def _save(ws: Workspace, ch: dict[str, dict]) -> None:
    if not any(ch[w]["add"] or ch[w]["remove"] for w in ch):
        ws.set_setting(SETTING, None)
        return
    ws.set_setting(SETTING, json.dumps(ch, sort_keys=True, ensure_ascii=False))


# ---- links ----------------------------------------------------------------------------------


def domains_pattern(domains) -> str:
    """One regular expression matching a URL whose host is one of ``domains`` or a subdomain
    of one; group 1 is the domain (the longest listed one that fits)."""
    alternatives = "|".join(re.escape(d) for d in sorted(domains, key=lambda d: (-len(d), d)))
    return r"(?i)^[a-z][a-z0-9+.\-]*://(?:[^/@?#]*@)?(?:[^/:?#@]*?\.)??(" + alternatives + r")\.?(?:[:/?#]|$)"


_URL_DATES = (
    (re.compile(r"[/_.\-]((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d.])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"), "ymd"),
    (re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/"), "ym"),
)


def url_date(url: str) -> date | None:
    """The publication date a news URL carries in its path (``/2013/11/13/``,
    ``/2013-09-19/``, ``-2021-10-06/``, ``-20130619``, or a month ``/2013/11/``: its last
    day), if any."""
    path = url_path(url)
    for pattern, how in _URL_DATES:
        m = pattern.search(path)
        if not m:
            continue
        try:
            if how == "ymd":
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            y, mo = int(m.group(1)), int(m.group(2))
            return date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1)
        except ValueError:
            continue
    return None


def url_path(url: str) -> str:
    """A URL without its scheme and host."""
    return re.sub(r"^[a-z][a-z0-9+.\-]*://[^/]*", "", url or "", flags=re.I)
