"""Writing an output file (a report, an export) without ever losing another file.

Every file the app writes for the user goes through :func:`write_output` (or, for a writer
that streams, :func:`output_file`), which promises:

* **nothing is written over a file the user did not ask to replace**: an existing file is
  refused unless ``force`` is given (``--force`` on the command line; the window's save
  dialog has already asked), and a workspace, an input of the job or a folder never is;
* **a complete file or none**: the data goes to a hidden temporary file in the same folder,
  which is flushed to disk and only then renamed onto the name asked for, so a crash, a
  cancel or a full disk leaves the old file (or no file), never half of the new one;
* **every failure in words**: a full disk, a folder that does not exist or cannot be
  written, a name that is too long, each raises :class:`~app.core.errors.UserError`
  naming the file, after the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from app.core.errors import UserError

#: the first bytes of a DuckDB database file (at offset 8): never written over, even forced
_DUCKDB_MAGIC = b"DUCK"


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: read once, at import: os.umask can only be read by setting it, which is not thread-safe
_UMASK = _read_umask()


class OutputRefused(UserError):
    """The output path names a file that must not be replaced."""


def check_output(
    path: str | os.PathLike,
    force: bool = False,
    protected: Iterable[str | os.PathLike] = (),
    can_force: bool = True,
) -> Path:
    """Refuse, in words, an output ``path`` that would destroy something; return it as a Path.

    ``protected`` are the files the job reads (the workspace, the inputs): never replaced.
    ``can_force`` says whether the command offers ``--force`` (the message mentions it)."""
    path = Path(path)
    name = str(path)
    if not path.name or path.name in (".", ".."):
        raise OutputRefused(f"“{name}” is not a file name.")
    folder = path.parent
    if not folder.exists():
        raise OutputRefused(f"The folder {folder} does not exist, so {path.name} cannot be written there.")
    if not folder.is_dir():
        raise OutputRefused(f"{folder} is not a folder, so {path.name} cannot be written there.")
    for other in protected:
        if _same_file(path, Path(other)):
            raise OutputRefused(
                f"{name} is the file being read ({Path(other).name}); writing the output there would "
                "destroy it. Choose another file name."
            )
    if path.is_dir():
        raise OutputRefused(f"{name} is a folder; give a file name for the output.")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise OutputRefused(f"{name} is not a regular file; choose another file name.")
        if _is_duckdb(path):
            raise OutputRefused(
                f"{name} is a workspace (a DuckDB database); it is never written over. "
                "Choose another file name."
            )
        if not force:
            how = (
                "choose another name, or add --force to replace it"
                if can_force
                else "choose another file name"
            )
            raise OutputRefused(f"{name} already exists; {how} (nothing was written).")
    return path


def write_output(
    path: str | os.PathLike,
    data: bytes | str | Callable[[IO], None],
    force: bool = False,
    protected: Iterable[str | os.PathLike] = (),
    text: bool = True,
    encoding: str = "utf-8",
    can_force: bool = True,
) -> Path:
    """Write ``data`` (bytes, text, or a function that writes to the open file: a text file
    unless ``text`` is false) to ``path``, all or nothing. Returns the path written."""
    text = isinstance(data, str) or (callable(data) and text)
    with output_file(
        path, force=force, protected=protected, text=text, encoding=encoding, can_force=can_force
    ) as f:
        if callable(data):
            data(f)
        else:
            f.write(data)
    return Path(path)


@contextlib.contextmanager
def output_file(
    path: str | os.PathLike,
    force: bool = False,
    protected: Iterable[str | os.PathLike] = (),
    text: bool = True,
    encoding: str = "utf-8",
    can_force: bool = True,
) -> Iterator[IO]:
    """An open temporary file beside ``path``, renamed onto it when the block ends without
    an exception; on any exception (a cancel included) it is removed and ``path`` is as it
    was."""
    path = check_output(path, force=force, protected=protected, can_force=can_force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise UserError(describe_write_error(exc, path)) from exc
    tmp = Path(tmp_name)
    try:
        try:
            if text:
                f: IO = open(fd, "w", encoding=encoding, newline="")  # noqa: SIM115 - closed below
            else:
                f = open(fd, "wb")  # noqa: SIM115 - closed below
        except BaseException:
            os.close(fd)
            raise
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _rename_into_place(tmp, path, force, can_force)
    except OSError as exc:
        _remove(tmp)
        raise UserError(describe_write_error(exc, path)) from exc
    except BaseException:
        _remove(tmp)
        raise


def _rename_into_place(tmp: Path, path: Path, force: bool, can_force: bool) -> None:
    with contextlib.suppress(OSError):
        os.chmod(tmp, 0o666 & ~_UMASK)
    if not force:
        # a link fails if the name was taken meanwhile, where a rename would replace it
        try:
            os.link(tmp, path)
        except FileExistsError:
            how = (
                "choose another name, or add --force to replace it"
                if can_force
                else "choose another file name"
            )
            raise OutputRefused(
                f"{path} appeared while it was being written; it was left as it is: {how}."
            ) from None
        except OSError:
            pass  # a file system without hard links: fall through to the rename
        else:
            _remove(tmp)
            return
    os.replace(tmp, path)


def describe_write_error(exc: OSError, path: Path) -> str:
    """An operating system's write error, in words, naming the file."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"The disk is full: {path} could not be written (nothing was changed). Free some space and try again."
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"You are not allowed to write {path} (check the folder's permissions, or choose another folder)."
        )
    if code == errno.EROFS:
        return f"{path} is on a read-only disk; choose another folder."
    if code == errno.ENAMETOOLONG:
        return f"The file name {path.name[:60]}… is too long for this disk; choose a shorter name."
    if code == errno.ENOENT:
        return f"The folder {path.parent} does not exist (any more), so {path.name} could not be written."
    if code == errno.EISDIR:
        return f"{path} is a folder; give a file name for the output."
    return f"{path} could not be written: {exc.strerror or exc}."


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error (an OSError, or a DuckDB error quoting one) means a full disk."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return True
    text = str(exc).lower()
    return "no space left on device" in text or "disk quota exceeded" in text


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _is_duckdb(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[8:12] == _DUCKDB_MAGIC


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()
