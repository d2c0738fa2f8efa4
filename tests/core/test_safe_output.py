"""Outputs are written whole or not at all, and never over what they must not replace."""

from __future__ import annotations

import os
import stat

import duckdb
import pytest

from app.core.errors import UserError
from app.core.safe_output import OutputRefused, check_output, output_file, write_output


def test_writes_a_new_file_with_ordinary_permissions(tmp_path):
    out = write_output(tmp_path / "a.csv", "x,y\n")
    assert out.read_text() == "x,y\n"
    mode = stat.S_IMODE(out.stat().st_mode)
    assert mode & 0o044, oct(mode)  # readable by others (a umask of 022), not 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_an_existing_file_needs_force(tmp_path):
    out = tmp_path / "a.csv"
    out.write_text("mine")
    with pytest.raises(OutputRefused, match="--force"):
        write_output(out, "new")
    assert out.read_text() == "mine"
    write_output(out, "new", force=True)
    assert out.read_text() == "new"


def test_a_workspace_is_never_replaced_even_forced(tmp_path):
    ws = tmp_path / "incident.pdf"
    duckdb.connect(str(ws)).close()
    data = ws.read_bytes()
    with pytest.raises(OutputRefused, match="never written over"):
        write_output(ws, b"%PDF", force=True)
    assert ws.read_bytes() == data


def test_protected_inputs_even_by_another_name(tmp_path):
    src = tmp_path / "lessons.txt"
    src.write_text("keep")
    link = tmp_path / "alias.txt"
    os.link(src, link)
    with pytest.raises(OutputRefused, match="being read"):
        write_output(link, "x", force=True, protected=[src])
    assert src.read_text() == "keep"


def test_folders(tmp_path):
    with pytest.raises(OutputRefused, match="does not exist"):
        check_output(tmp_path / "no" / "x.csv")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(OutputRefused, match="folder"):
        check_output(tmp_path / "d.csv", force=True)


def test_a_failure_while_writing_leaves_the_old_file(tmp_path):
    out = tmp_path / "a.csv"
    out.write_text("old")

    class Boom(Exception):
        pass

    def write_half() -> None:
        with output_file(out, force=True) as f:
            f.write("half of the new")
            raise Boom

    with pytest.raises(Boom):
        write_half()
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path):
    out = tmp_path / "a.csv"

    def race() -> None:
        with output_file(out) as f:
            f.write("ours")
            out.write_text("someone else's")

    with pytest.raises(OutputRefused, match="appeared"):
        race()
    assert out.read_text() == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_an_unwritable_folder_in_words(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes everywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(UserError, match="not allowed"):
            write_output(folder / "a.csv", "x")
    finally:
        folder.chmod(0o700)
