"""What every command shares: the terminal progress bar, one-line failures, JSON output,
output streams that print post text as plain text, and running a long job in a thread so
that Ctrl-C (or a polite kill) becomes a clean cancel."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from app.core.text_safety import terminal_safe

#: exit statuses: 1 an error told in words, 2 a mistake in the command (argparse), 70 an
#: unexpected error (a log was written), 130 cancelled (Ctrl-C), 141 the reader of the output
#: went away (``| head``)
EXIT_ERROR = 1
EXIT_INTERNAL = 70
EXIT_CANCELLED = 130
EXIT_BROKEN_PIPE = 141

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
        message = terminal_safe(message, keep_newlines=False)
        line = f"\r[{bar:<{width}}] {frac * 100:5.1f}%  {message[:60]:<60}"
        write_raw(sys.stderr, line)
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self.enabled and self._shown:
            write_raw(sys.stderr, "\r" + " " * 104 + "\r")
            sys.stderr.flush()
            self._shown = False


def fail(message: str, status: int = EXIT_ERROR) -> int:
    print(f"incident-timeline: {message}", file=sys.stderr)
    return status


# JSON escapes C0 controls itself; these others would reach a terminal raw
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def print_json(data: object) -> None:
    """``data`` as JSON on stdout: exact (the same values), and safe on a terminal."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    write_raw(sys.stdout, text + "\n")


class SafeStream:
    """A text stream that shows control characters as escapes (see
    :func:`app.core.text_safety.terminal_safe`): whatever a post holds, printing it cannot
    drive the terminal. ``write_raw`` is for the app's own control output (the progress bar)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def write_raw(self, text: str) -> int:
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def write_raw(stream, text: str) -> None:
    getattr(stream, "write_raw", stream.write)(text)


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
    """Run ``job`` in a thread; Ctrl-C (SIGINT) or SIGTERM meanwhile asks it to cancel, and
    this waits until it has unwound (undoing what it was doing) before returning or raising.

    The signals are turned into a flag rather than a KeyboardInterrupt: an exception raised
    at a random point of this thread could leave it before the job ends, and a process that
    exits while DuckDB is still running a statement aborts."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = job()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="cli-job")
    with cancel_on_signals(progress):
        worker.start()
        while not done.wait(0.1):
            pass
    worker.join()
    progress.clear()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@contextlib.contextmanager
def cancel_on_signals(progress: TerminalProgress) -> Iterator[None]:
    """While in the block, SIGINT and SIGTERM cancel ``progress`` instead of raising."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    told = [False]

    def handler(signum, frame) -> None:
        if not told[0]:
            progress.clear()
            print(
                "incident-timeline: cancelling; undoing the step under way (this can take a moment)…",
                file=sys.stderr,
            )
            told[0] = True
        progress.cancel()

    names = ["SIGINT", "SIGTERM"] if sys.platform != "win32" else ["SIGINT", "SIGBREAK"]
    saved = {}
    for name in names:
        sig = getattr(signal, name, None)
        if sig is not None:
            saved[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def read_text_file(path: str, what: str) -> str:
    """A small UTF-8 text file the user names (``--lessons``), or a UserError in words."""
    from pathlib import Path

    from app.core.errors import UserError

    p = Path(path)
    if not p.exists():
        raise UserError(f"there is no file {path} (the {what}).")
    if not p.is_file():
        raise UserError(f"{path} (the {what}) is not a regular file.")
    size = p.stat().st_size
    if size > 1 << 20:
        raise UserError(
            f"{path} (the {what}) is {size / (1 << 20):.0f} MB; a text of at most 1 MB is expected."
        )
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} (the {what}) is not UTF-8 text; save it as UTF-8 and try again.") from None
    except OSError as exc:
        raise UserError(f"{path} (the {what}) could not be read: {exc.strerror or exc}.") from None
