"""What every command shares: the terminal progress bar, one-line failures, JSON output, and
running a long job in a thread so that Ctrl-C becomes a clean cancel."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

EXIT_ERROR = 1
EXIT_CANCELLED = 130

T = TypeVar("T")


class TerminalProgress:
    """A progress bar on stderr when it is a terminal; silent otherwise. Ctrl-C cancels."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._cancel = threading.Event()
        self._last = 0.0
        self._shown = False

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: float, total: float | None, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and not (total and done >= total):
            return
        self._last = now
        width = 30
        frac = min(1.0, done / total) if total else 0.0
        bar = "#" * int(frac * width)
        line = f"\r[{bar:<{width}}] {frac * 100:5.1f}%  {message[:60]:<60}"
        sys.stderr.write(line)
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self.enabled and self._shown:
            sys.stderr.write("\r" + " " * 104 + "\r")
            sys.stderr.flush()
            self._shown = False


def fail(message: str) -> int:
    print(f"incident-timeline: {message}", file=sys.stderr)
    return EXIT_ERROR


def print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``--map COLUMN=FIELD`` options as {field: column}."""
    from app.core.errors import UserError

    mapping: dict[str, str] = {}
    for item in items:
        column, sep, field = item.rpartition("=")
        if not sep or not column or not field:
            raise UserError(f'--map takes COLUMN=FIELD (for example --map "Tweet ID=post_id"), not “{item}”.')
        mapping[field.strip()] = column
    return mapping


def run_with_progress(job: Callable[[], T], progress: TerminalProgress) -> T:
    """Run ``job`` in a thread so Ctrl-C here becomes a clean cancel there."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = job()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="cli-job")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        progress.cancel()
        worker.join()
    progress.clear()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
