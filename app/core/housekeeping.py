"""Each run of the app keeps its temporary files in one folder of its own, and cleans up
after runs that could not.

:func:`claim_temp_root` gives the process a folder ``itx-<pid>-<role>-XXXX`` in the system's
temporary folder and points :mod:`tempfile` at it, so every temporary file of the run (the
importer's staging folders, unpacked archives) lands there. The process holds a lock on
``.lock`` inside it for as long as it lives; the operating system lets go of that lock when
the process ends, however it ends (kill -9 included). :func:`clean_stale_temp_roots`, run at
every start, removes the folders whose lock nobody holds: what a killed run left behind.

The role in the folder's name also tells another process what holds a workspace:
:func:`holder_role` answers "the window" for the program number DuckDB names in its lock
error, so the command line can say so in words.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

_PREFIX = "itx-"
_ROOT_NAME = re.compile(r"^itx-(\d+)-([a-z]+)-")
#: folders of earlier versions, made straight in the temporary folder without a lock
_LEGACY_NAME = re.compile(r"^itx-import-")
_LEGACY_AGE = 24 * 3600
#: new folders tried when other runs' clean-ups remove them before they are locked (each
#: such loss needs another run starting in the same instant, so a few are plenty)
_CLAIM_ATTEMPTS = 5

#: this process's folder and the lock held on it, once claimed
_claim: dict[str, object] = {}


def system_temp_dir() -> Path:
    """The temporary folder of the system (not this run's own)."""
    return Path(os.environ.get("ITX_SYSTEM_TMPDIR") or _system_tempdir())


def _system_tempdir() -> str:
    saved = tempfile.tempdir
    try:
        tempfile.tempdir = None
        return tempfile.gettempdir()
    finally:
        tempfile.tempdir = saved


def claim_temp_root(role: str) -> Path | None:
    """Make this process's own temporary folder, lock it, and send :mod:`tempfile` there.
    ``role`` is a lower-case word (``window``, ``import``, ...). Returns the folder, or
    ``None`` where it cannot be made (the system's temporary folder is then used as is)."""
    if _claim:
        return _claim["root"]  # type: ignore[return-value]
    base = system_temp_dir()
    for _attempt in range(_CLAIM_ATTEMPTS):
        try:
            root = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-{role}-", dir=base))
        except OSError:
            return None
        try:
            lock = _lock(root / ".lock")
        except FileNotFoundError:
            lock = None  # the folder is gone already: another run's clean-up, as below
        except OSError:
            shutil.rmtree(root, ignore_errors=True)
            return None
        # The lock file exists a moment before it is locked. Another run starting at the same
        # time can find it unlocked then, take the folder for a dead run's and remove it; our
        # lock then holds a deleted file (or fails while theirs is held) and the folder is gone
        # under the whole run. Only a lock on the file still at that path makes the folder ours;
        # otherwise start again in a new one.
        if lock is not None and lock.holds(root / ".lock"):
            break
        if lock is not None:
            lock.close()
        shutil.rmtree(root, ignore_errors=True)
    else:
        return None
    _claim.update(root=root, lock=lock)
    os.environ["ITX_SYSTEM_TMPDIR"] = str(base)
    tempfile.tempdir = str(root)
    # children (the scoring workers) inherit the variable and use the same folder
    os.environ["TMPDIR"] = str(root)
    import atexit

    atexit.register(release_temp_root)
    return root


def release_temp_root() -> None:
    """Remove this process's temporary folder (at exit)."""
    if not _claim:
        return
    root, lock = _claim.pop("root"), _claim.pop("lock")
    shutil.rmtree(root, ignore_errors=True)  # type: ignore[arg-type]
    with contextlib.suppress(OSError):
        lock.close()  # type: ignore[attr-defined]


def clean_stale_temp_roots(base: Path | None = None) -> list[Path]:
    """Remove the temporary folders of runs that ended without cleaning up; return them."""
    base = base or system_temp_dir()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    now = time.time()
    mine = _own_name()
    for entry in entries:
        name = entry.name
        if not name.startswith(_PREFIX) or name == mine:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if _ROOT_NAME.match(name):
                young = now - entry.stat(follow_symlinks=False).st_mtime < 60
                if young and not os.path.exists(os.path.join(entry.path, ".lock")):
                    continue  # made a moment ago by a run about to lock it
                lock = _lock(Path(entry.path) / ".lock", create=False)
                if lock is None:
                    continue  # a live run holds it
                try:
                    shutil.rmtree(entry.path, ignore_errors=True)
                finally:
                    lock.close()
            elif _LEGACY_NAME.match(name) and now - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_AGE:
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                continue
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def holder_role(pid: int, base: Path | None = None) -> str | None:
    """The role of the live run of this app with program number ``pid``, if any."""
    base = base or system_temp_dir()
    try:
        names = [e.name for e in os.scandir(base) if e.name.startswith(f"{_PREFIX}{pid}-")]
    except OSError:
        return None
    for name in names:
        m = _ROOT_NAME.match(name)
        if not m or int(m.group(1)) != pid:
            continue
        if _own_name() == name:
            return m.group(2)
        lock = _lock(base / name / ".lock", create=False)
        if lock is None:
            return m.group(2)  # held: that run is alive
        lock.close()
    return None


def _own_name() -> str | None:
    root = _claim.get("root")
    return root.name if isinstance(root, Path) else None


class _Lock:
    def __init__(self, f) -> None:
        self.f = f

    def close(self) -> None:
        self.f.close()

    def holds(self, path: Path) -> bool:
        """Whether the file locked is still the one at ``path`` (not removed, nor replaced)."""
        try:
            there = os.stat(path)
        except OSError:
            return False
        held = os.fstat(self.f.fileno())
        return (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino)


def _lock(path: Path, create: bool = True) -> _Lock | None:
    """An exclusive lock on ``path`` held until closed, or ``None`` if another holds it."""
    try:
        f = open(path, "a+b" if create else "r+b")  # noqa: SIM115 - held for the process's life
    except FileNotFoundError:
        if create:
            raise
        # no lock file: nobody can be holding it
        return _Lock(open(os.devnull, "rb"))
    try:
        if sys.platform == "win32":
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return None
    return _Lock(f)
