"""What is given as a workspace: a newer or foreign DuckDB file, a file that is no database,
a damaged workspace of ours (repaired from its posts), one held by the window or by
another command. Each is refused in words and left as it was."""

from __future__ import annotations

import hashlib
import os

import duckdb
import pytest

from .conftest import FIXTURES, assert_ok, assert_worded, collect, digest, post_count, unscored, wait_for
from .processes import holds_lock

COMMANDS = [
    ("info",),
    ("config", "--name", "Renamed"),
    ("turning-points",),
    ("report", "-o", "out.html", "--format", "html"),
    ("export", "--what", "posts", "-o", "out.csv"),
    ("import", "@FIXTURE"),
    ("repair",),
]


#: a real archive for ``import``: the workspace is what the cases are about
INPUT = FIXTURES / "twarc-csv" / "two_tweets.jsonl"


def _run_all(env, ws, fixture):
    for cmd in COMMANDS:
        args = [cmd[0], str(ws), *(str(fixture) if a == "@FIXTURE" else a for a in cmd[1:])]
        yield cmd[0], env.run(*args)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _duckdb(path, *statements):
    with duckdb.connect(str(path)) as con:
        for s in statements:
            con.execute(s)


FOREIGN = {
    "meta_of_another_shape": ["CREATE TABLE meta (a INTEGER, b INTEGER)", "INSERT INTO meta VALUES (1, 2)"],
    "meta_without_version": [
        "CREATE TABLE meta (key VARCHAR, value VARCHAR)",
        "INSERT INTO meta VALUES ('x', 'y')",
    ],
    "version_not_a_number": [
        "CREATE TABLE meta (key VARCHAR, value VARCHAR)",
        "INSERT INTO meta VALUES ('schema_version', 'two')",
    ],
    "another_programs_tables": ["CREATE TABLE customers (id INTEGER, name VARCHAR)"],
}


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_a_foreign_duckdb_file_is_refused_and_kept(env, tmp_path, case):
    ws = tmp_path / "theirs.duckdb"
    _duckdb(ws, *FOREIGN[case])
    sha = _sha(ws)
    for _name, run in _run_all(env, ws, INPUT):
        assert_worded(run, mentions=("theirs.duckdb",))
    assert _sha(ws) == sha


def test_a_newer_workspace_is_refused(env, workspace):
    _duckdb(workspace, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    sha = _sha(workspace)
    for _name, run in _run_all(env, workspace, workspace):
        assert_worded(run, mentions=("newer version",))
    assert _sha(workspace) == sha


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.duckdb", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(4000)),
        ("notes.duckdb", b"just some notes\n" * 100),
        ("empty.duckdb", b""),
    ],
)
def test_not_a_database_is_refused_and_kept(env, tmp_path, name, content):
    ws = tmp_path / name
    ws.write_bytes(content)
    for _cmd, run in _run_all(env, ws, INPUT):
        assert_worded(run, mentions=(name,))
    assert ws.read_bytes() == content


def test_a_folder_or_a_pipe_as_the_workspace(env, tmp_path):
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    assert_worded(env.run("info", str(folder)), mentions=("folder",))
    fifo = tmp_path / "pipe.duckdb"
    os.mkfifo(fifo)
    run = env.run("info", str(fifo), timeout=30)
    assert_worded(run, mentions=("pipe.duckdb",))


def test_no_workspace_there(env, tmp_path):
    assert_worded(env.run("info", str(tmp_path / "missing.duckdb")), mentions=("missing.duckdb",))
    assert_worded(
        env.run("import", str(tmp_path / "no" / "folder.duckdb"), str(INPUT)), mentions=("does not exist",)
    )


@pytest.mark.parametrize(
    ("drop", "repairable"),
    [
        (["DROP VIEW posts_labelled", "DROP VIEW posts_scored", "DROP TABLE sentiment"], True),
        (["DROP TABLE annotations", "DROP SEQUENCE annotation_id_seq"], True),
        (["DROP VIEW posts_labelled"], True),
        (["DROP TABLE meta"], True),
        (["DROP VIEW posts_labelled", "DROP VIEW posts_scored", "DROP TABLE posts"], False),
    ],
)
def test_a_damaged_workspace_says_so_and_repair_rebuilds_it(env, workspace, drop, repairable):
    count = post_count(workspace)
    _duckdb(workspace, *drop)
    message = assert_worded(env.run("info", str(workspace)), mentions=("damaged",))
    if repairable:
        assert "incident-timeline repair" in message
        run = env.run("repair", str(workspace))
        assert_ok(run)
        assert_ok(env.run("info", str(workspace)))
        assert post_count(workspace) == count
        assert_ok(env.run("turning-points", str(workspace)))
        assert_ok(
            env.run("report", str(workspace), "--format", "html", "-o", str(workspace.with_name("r.html")))
        )
        # nothing left to do the second time
        assert "nothing was missing" in env.run("repair", str(workspace)).stdout
    else:
        assert "import the archive files again" in message
        assert_worded(env.run("repair", str(workspace)), mentions=("cannot be recovered",))


def test_the_lost_scores_are_rebuilt(env, workspace):
    _duckdb(workspace, "DELETE FROM sentiment")
    assert unscored(workspace) > 0
    run = env.run("repair", str(workspace), "--json")
    assert_ok(run)
    assert unscored(workspace) == 0


def test_a_workspace_held_by_the_window(env, workspace):
    before = digest(workspace)
    window = env.start(str(workspace))
    try:
        # watched without opening the workspace: a command that held it for a moment while the
        # window started would make the window say, rightly, that the workspace is in use
        assert wait_for(
            lambda: holds_lock(window.pid, workspace) or window.poll() is not None, timeout=180, step=0.2
        ), "the window never held the workspace"
        assert window.poll() is None, collect(window, 30, "the window did not end").output
        for name, run in _run_all(env, workspace, workspace):
            message = assert_worded(run, mentions=("window",))
            assert "program number" in message, (name, message)
    finally:
        window.terminate()
        window.communicate(timeout=30)
    # nothing the commands tried reached the workspace (the window itself writes its rollups)
    assert digest(workspace) == before


def test_a_workspace_held_by_another_command(env, workspace, big_archive):
    p = env.start("import", str(workspace), str(big_archive), "--no-sentiment")
    try:
        assert wait_for(lambda: any(env.tmp.rglob("itx-import-*")) or p.poll() is not None)
        message = assert_worded(env.run("info", str(workspace)), mentions=("import",))
        assert "in use by another incident-timeline command" in message
    finally:
        p.communicate(timeout=300)
