"""No command writes over a file it did not create: the workspace, an input, an existing
file (without --force), a folder; outputs appear whole or not at all."""

from __future__ import annotations

import pytest

from .conftest import assert_ok, assert_worded, digest

OUTPUTS = [
    ("report", ".pdf", ()),
    ("report", ".html", ("--format", "html")),
    ("export", ".csv", ("--what", "posts")),
    ("export", ".json", ("--what", "series")),
]


def _args(command: str, ws, out, extra) -> list[str]:
    return [command, str(ws), "-o", str(out), *extra]


@pytest.mark.parametrize(("command", "suffix", "extra"), OUTPUTS)
def test_the_workspace_is_never_the_output(env, workspace, command, suffix, extra):
    before = digest(workspace)
    size = workspace.stat().st_size
    # the workspace itself (a .duckdb given as -o), and a copy of it renamed .pdf/.csv
    run = env.run(*_args(command, workspace, workspace, extra))
    message = assert_worded(run, mentions=(workspace.name,))
    assert "writing the output there would destroy it" in message or "not “" in message
    twin = workspace.with_name("twin" + suffix)
    twin.write_bytes(workspace.read_bytes())
    run = env.run(*_args(command, workspace, twin, (*extra, "--force")))
    assert_worded(run, mentions=(twin.name,))
    assert twin.read_bytes() == workspace.read_bytes()
    assert digest(workspace) == before and workspace.stat().st_size == size


@pytest.mark.parametrize(("command", "suffix", "extra"), OUTPUTS)
def test_an_existing_file_needs_force(env, workspace, command, suffix, extra):
    out = workspace.with_name("mine" + suffix)
    out.write_text("the user's own file\n")
    run = env.run(*_args(command, workspace, out, extra))
    assert_worded(run, mentions=(out.name, "--force"))
    assert out.read_text() == "the user's own file\n"
    assert_ok(env.run(*_args(command, workspace, out, (*extra, "--force"))))
    assert out.read_text(errors="replace") != "the user's own file\n" and out.stat().st_size > 100
    assert not list(out.parent.glob("*.part")), "a temporary file was left"


@pytest.mark.parametrize(("command", "suffix", "extra"), OUTPUTS)
def test_missing_folder_and_folder_as_output(env, workspace, command, suffix, extra):
    run = env.run(*_args(command, workspace, workspace.parent / "no" / "such" / ("x" + suffix), extra))
    assert_worded(run, mentions=("does not exist",))
    folder = workspace.parent / ("a-folder" + suffix)
    folder.mkdir()
    assert_worded(env.run(*_args(command, workspace, folder, (*extra, "--force"))), mentions=("folder",))
    assert folder.is_dir() and not any(folder.iterdir())


def test_the_lessons_file_is_not_the_output(env, workspace):
    lessons = workspace.with_name("lessons.html")
    lessons.write_text("Answer within the hour.\n", encoding="utf-8")
    run = env.run(
        "report", str(workspace), "--format", "html", "--lessons", str(lessons), "-o", str(lessons), "--force"
    )
    assert_worded(run, mentions=("lessons.html",))
    assert lessons.read_text(encoding="utf-8") == "Answer within the hour.\n"


def test_lessons_missing_or_not_utf8(env, workspace):
    out = workspace.with_name("r.html")
    run = env.run("report", str(workspace), "--format", "html", "--lessons", "nope.txt", "-o", str(out))
    assert_worded(run, mentions=("nope.txt",))
    bad = workspace.with_name("latin1.txt")
    bad.write_bytes("Leçons: répondre vite\n".encode("latin-1"))
    run = env.run("report", str(workspace), "--format", "html", "--lessons", str(bad), "-o", str(out))
    assert_worded(run, mentions=("latin1.txt", "UTF-8"))
    folder = workspace.parent / "lessons-folder"
    folder.mkdir()
    assert_worded(
        env.run("report", str(workspace), "--format", "html", "--lessons", str(folder), "-o", str(out)),
        mentions=("lessons-folder",),
    )
    assert not out.exists()


def test_an_input_file_is_not_the_export(env, workspace, tmp_path):
    # the annotations' own export, written in the app's process: it refuses an existing file
    # unless forced, and never writes over the workspace
    import sys

    code = (
        "import sys\n"
        "from app.core.store import Workspace\n"
        "from app.core import annotations as a\n"
        "from app.core.errors import UserError\n"
        "ws = Workspace.open(sys.argv[1])\n"
        "for target, force in ((sys.argv[1], True), (sys.argv[2], False)):\n"
        "    try:\n"
        "        a.export_csv(ws, target, force=force)\n"
        "        print('written', target)\n"
        "    except UserError as e:\n"
        "        print('refused', e)\n"
    )
    mine = tmp_path / "mine.csv"
    mine.write_text("keep me")
    before = digest(workspace)
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", code, str(workspace), str(mine)],
        env=env.environ(),
        cwd=env.base,
        capture_output=True,
        text=True,
    )
    assert out.stdout.count("refused") == 2, out.stdout + out.stderr
    assert mine.read_text() == "keep me" and digest(workspace) == before
