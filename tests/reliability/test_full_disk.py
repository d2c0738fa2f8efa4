"""A full disk: every write is checked, nothing half-written is left, the words say "the disk
is full", the exit status is not 0, and the workspace is as it was.

The disk is a small tmpfs mounted for the test (root only; skipped, visibly, elsewhere)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest

from .conftest import assert_worded, digest, post_count

# room for a copy of the small workspace (4.4 MB with its rollup tables) before the filler
TMPFS_KB = 8192


class Disk(type(__import__("pathlib").Path())):
    """The mount point, with :meth:`fill`."""

    def fill(self, free_bytes: int) -> None:
        """Leave only ``free_bytes`` of room on the disk."""
        st = os.statvfs(self)
        room = st.f_bavail * st.f_frsize - free_bytes
        with open(self / ".filler", "ab") as f, contextlib.suppress(OSError):
            f.write(b"\0" * max(room, 0))


@pytest.fixture
def small_disk(tmp_path):
    """A mounted tmpfs; ``fill(free_bytes)`` leaves that little room on it."""
    if os.geteuid() != 0:
        pytest.skip("full-disk runs need root to mount a small tmpfs")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_KB}k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield Disk(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.parametrize(
    ("command", "name", "extra"),
    [
        ("report", "report.pdf", ()),
        ("report", "report.html", ("--format", "html")),
        ("export", "posts.csv", ("--what", "posts")),
        ("export", "series.json", ("--what", "series")),
    ],
)
def test_outputs_on_a_full_disk(env, workspace, small_disk, command, name, extra):
    before = digest(workspace)
    small_disk.fill(4096)
    out = small_disk / name
    run = env.run(command, str(workspace), "-o", str(out), *extra)
    assert_worded(run, mentions=("disk is full", name))
    assert sorted(p.name for p in small_disk.iterdir()) == [".filler"], "a partial file was left"
    assert digest(workspace) == before


def test_a_replaced_file_survives_a_full_disk(env, workspace, small_disk):
    out = small_disk / "report.html"
    out.write_text("<p>last week's report</p>")
    small_disk.fill(2048)
    run = env.run("report", str(workspace), "--format", "html", "-o", str(out), "--force")
    assert_worded(run, mentions=("disk is full",))
    assert out.read_text() == "<p>last week's report</p>"
    assert sorted(p.name for p in small_disk.iterdir()) == [".filler", "report.html"]


def test_an_import_onto_a_full_disk(env, workspace, small_disk, big_archive):
    ws = small_disk / "incident.duckdb"
    shutil.copy(workspace, ws)
    before, count = digest(ws), post_count(ws)
    small_disk.fill(256 * 1024)
    run = env.run("import", str(ws), str(big_archive))
    message = assert_worded(run, mentions=("disk is full",))
    assert "Traceback" not in message
    # the workspace opens, with the posts it had
    assert post_count(ws) == count and digest(ws) == before
