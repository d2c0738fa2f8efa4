"""Each run's temporary folder: kept while the run lives, removed once it is gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from app.core import housekeeping

CLAIM = (
    "import sys, time\n"
    "from app.core import housekeeping\n"
    "root = housekeeping.claim_temp_root(sys.argv[1])\n"
    "import tempfile; tempfile.mkdtemp(prefix='itx-import-')\n"
    "print(root, flush=True)\n"
    "time.sleep(60)\n"
)


#: another run's start-up clean-up, at the worst moment: after this run made its lock file
#: and before it locked it (two runs started together, e.g. an import beside a refused one)
CLAIM_RACED = (
    "import sys, time\n"
    "from app.core import housekeeping\n"
    "cleaned = []\n"
    "def open_then_clean(path, mode='r', *args, **kwargs):\n"
    "    f = open(path, mode, *args, **kwargs)\n"
    "    if mode == 'a+b' and not cleaned:\n"
    "        cleaned.append(housekeeping.clean_stale_temp_roots())\n"
    "    return f\n"
    "housekeeping.open = open_then_clean\n"
    "root = housekeeping.claim_temp_root(sys.argv[1])\n"
    "del housekeeping.open\n"
    "import json, tempfile\n"
    "try:\n"
    "    tempfile.mkdtemp(prefix='itx-import-'); works = 'yes'\n"
    "except OSError as exc:\n"
    "    works = str(exc)\n"
    "print(json.dumps([str(root), list(map(str, cleaned[0])), works]), flush=True)\n"
    "time.sleep(60)\n"
)


def _start(tmp_path, role: str, script: str = CLAIM) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, TMPDIR=str(tmp_path))
    env.pop("ITX_SYSTEM_TMPDIR", None)
    p = subprocess.Popen([sys.executable, "-c", script, role], env=env, stdout=subprocess.PIPE, text=True)
    return p, p.stdout.readline().strip()


def test_a_live_run_is_kept_and_a_killed_one_removed(tmp_path):
    live, live_root = _start(tmp_path, "window")
    dead, dead_root = _start(tmp_path, "import")
    try:
        dead.kill()
        dead.wait()
        assert os.path.isdir(dead_root) and os.path.isdir(live_root)
        removed = housekeeping.clean_stale_temp_roots(tmp_path)
        assert [str(p) for p in removed] == [dead_root]
        assert os.path.isdir(live_root) and not os.path.exists(dead_root)
        assert housekeeping.holder_role(live.pid, tmp_path) == "window"
        assert housekeeping.holder_role(dead.pid, tmp_path) is None
    finally:
        live.kill()
        live.wait()
    assert housekeeping.clean_stale_temp_roots(tmp_path) == [tmp_path / os.path.basename(live_root)]


def test_old_folders_of_earlier_versions(tmp_path):
    old = tmp_path / "itx-import-abc"
    old.mkdir()
    recent = tmp_path / "itx-import-def"
    recent.mkdir()
    other = tmp_path / "itx-shots-xyz"
    other.mkdir()
    day_ago = time.time() - 2 * 86400
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    assert housekeeping.clean_stale_temp_roots(tmp_path) == [old]
    assert recent.exists() and other.exists()


def test_a_folder_removed_before_it_was_locked_is_not_used(tmp_path):
    """A clean-up that finds a run's lock file before the run has locked it removes the
    folder: the run must not carry on in it (its import then fails for want of it)."""
    run, line = _start(tmp_path, "import", CLAIM_RACED)
    try:
        root, removed, works = json.loads(line)
        # the race happened: the clean-up removed the run's first folder...
        assert len(removed) == 1 and not os.path.exists(removed[0]), line
        # ...and the run works in a folder of its own that exists, locked
        assert works == "yes" and root != removed[0], line
        assert os.path.isdir(root) and os.path.isfile(os.path.join(root, ".lock"))
        assert housekeeping.clean_stale_temp_roots(tmp_path) == []
        assert housekeeping.holder_role(run.pid, tmp_path) == "import"
    finally:
        run.kill()
        run.wait()
