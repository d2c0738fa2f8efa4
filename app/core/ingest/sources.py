"""The import's temporary folder, and files DuckDB cannot read as they are.

DuckDB reads plain, gzip and zstd files itself. An .xz or .bz2 file, and JSON in UTF-16, are
first copied decompressed (and as UTF-8) into the import's temporary folder, in bounded
memory. Every import makes one folder ``itx-import-<process>-…`` and removes it when done; one
left by a process that was killed is removed by the next import (:func:`remove_stale_folders`).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from app.core.errors import ImportFailed

PREFIX = "itx-import-"
_CHUNK = 1 << 20
_OWN = re.compile(rf"^{PREFIX}(\d+)-")


def temp_write_failed(path: Path | str, exc: OSError) -> ImportFailed:
    """Writing to the temporary folder failed: say so, never "the file is damaged"."""
    where = tempfile.gettempdir()
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ImportFailed(
            str(path),
            f"the temporary folder ({where}) is full, so the file could not be unpacked there. "
            "Free some space in it (or set TMPDIR to a folder with room) and import again.",
        )
    return ImportFailed(
        str(path), f"the file could not be unpacked to the temporary folder {where} ({exc.strerror or exc})."
    )


def read_sibling(path: Path, name: str) -> bytes | None:
    """The small file ``name`` beside ``path`` (an archive's account.js, actor.json), or None
    when it is missing, a folder, or unreadable."""
    sibling = path.with_name(name)
    if not sibling.is_file():
        return None
    try:
        return sibling.read_bytes()
    except OSError:
        return None


def write_temp(origin: Path | str, out: Path, copy: Callable[[IO[bytes]], None]) -> Path:
    """Write ``out`` in the temporary folder with ``copy``: a full folder (or one that cannot be
    written) is said as such, never taken for a damaged input; reading errors pass through."""
    try:
        with open(out, "wb") as dst:
            copy(dst)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT) or exc.filename == str(out):
            raise temp_write_failed(origin, exc) from None
        raise
    return out


@contextlib.contextmanager
def import_folder() -> Iterator[Path]:
    """A temporary folder for one import, removed afterwards whatever happens."""
    remove_stale_folders()
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    except OSError as exc:
        raise temp_write_failed("(temporary folder)", exc) from None
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its folder alone
    return True


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Remove the import folders of processes that no longer run (killed mid-import)."""
    root = Path(root or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _OWN.match(entry.name)
        if not m or not entry.is_dir() or _alive(int(m.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry)
    return removed


def decompressed_copy(path: Path, compression: str, encoding: str, tmpdir: Path) -> Path:
    """The file's content, decompressed and as UTF-8, in ``tmpdir``."""
    from app.core.ingest.detect import damaged_compression, decompression_errors, open_decompressed

    out = tmpdir / "content"
    try:
        with open_decompressed(path, compression) as src, open(out, "wb") as dst:
            if encoding == "utf-16":
                decoder = codecs.getincrementaldecoder("utf-16")()
                while chunk := src.read(_CHUNK):
                    dst.write(decoder.decode(chunk).encode("utf-8"))
                dst.write(decoder.decode(b"", final=True).encode("utf-8"))
            else:
                shutil.copyfileobj(src, dst, _CHUNK)
    except UnicodeDecodeError:
        raise ImportFailed(str(path), "the file is not valid UTF-16 text (it is damaged).") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT) or exc.filename == str(out):
            raise temp_write_failed(path, exc) from None
        if compression == "none":
            raise ImportFailed(str(path), f"the file could not be read ({exc.strerror or exc}).") from None
        raise damaged_compression(path, compression) from None
    except decompression_errors():
        raise damaged_compression(path, compression) from None
    return out
