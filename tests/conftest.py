"""Shared fixtures: the real archive files, fresh workspaces, the sample incident's workspace
(built once per run), a built X account archive, the fonts a test needs, and helpers to compare
a workspace before and after an import.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.core.ingest import import_paths
from app.core.sample import build_sample
from app.core.store import Workspace
from app.paths import sample_archive

# the tests run without a screen unless told otherwise (Qt reads it when the application is made)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: posts columns compared between two imports of the same data (import_id differs)
POST_COLUMNS = (
    "platform, post_id, created_at, author_id, author_handle, author_name, author_followers, "
    "text, kind, ref_post_id, ref_author_handle, ref_text, lang, retweet_count, like_count, "
    "reply_count, quote_count, hashtags, mentions, urls, text_key"
)


# ---- files and workspaces -------------------------------------------------------------------


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace.open(tmp_path / "incident.duckdb", create=True)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def new_workspace(tmp_path):
    """A factory for more workspaces in the same test (each closed at the end)."""
    opened: list[Workspace] = []

    def make(name: str) -> Workspace:
        ws = Workspace.open(tmp_path / f"{name}.duckdb", create=True)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


def import_one(ws: Workspace, path, **kwargs):
    """Import one file; return its single report."""
    reports = import_paths(ws, [path], **kwargs)
    assert len(reports) == 1, [r.path for r in reports]
    return reports[0]


def post_rows(ws: Workspace, where: str = "true") -> list[tuple]:
    return ws.con.execute(f"SELECT {POST_COLUMNS} FROM posts WHERE {where} ORDER BY post_id").fetchall()


def posts_by_id(ws: Workspace) -> dict[str, dict]:
    cur = ws.con.execute("SELECT * FROM posts")
    names = [d[0] for d in cur.description]
    return {row[names.index("post_id")]: dict(zip(names, row, strict=False)) for row in cur.fetchall()}


def table_counts(con) -> dict[str, int]:
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    ]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def dump(ws: Workspace) -> dict:
    """Everything an import could change: every row of posts, imports, sentiment and meta
    (as text, in a fixed order), and the row count of every table in the file."""
    con = ws.con
    out = {"counts": table_counts(con)}
    for table, order in (
        ("posts", "platform, post_id"),
        ("imports", "import_id"),
        ("sentiment", "text_key"),
        ("meta", "key"),
        ("annotations", "id"),
    ):
        out[table] = con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory) -> Path:
    """The bundled sample incident (#AskJPM) imported, scored and rolled up: built once per
    run and shared, so it must not change. Open it read-only, or take ``sample_copy``; the
    session checks at its end that the file is as it was built."""
    path = tmp_path_factory.mktemp("sample") / "askjpm.duckdb"
    reports = build_sample(path, sample_archive())
    assert all(r.ok for r in reports), [r.error for r in reports]
    built = _sha256(path)
    yield path
    assert _sha256(path) == built, (
        "a test changed the shared sample workspace: use the sample_copy fixture to change one"
    )


@pytest.fixture
def sample_copy(sample_workspace, tmp_path) -> Path:
    """A copy of the sample workspace of the test's own, free to change."""
    path = tmp_path / "askjpm.duckdb"
    shutil.copy(sample_workspace, path)
    return path


# ---- generated files ------------------------------------------------------------------------


def stream_lines(fixtures: Path = FIXTURES) -> list[str]:
    return (fixtures / "python-twitter" / "streaming_lines.json").read_text(encoding="utf-8").splitlines()


def write_v1_stream(
    path: Path, n: int, id_base: int = 1_500_000_000_000_000_000, distinct_text: bool = False
) -> Path:
    """``n`` lines made from the real v1.1 stream: each line a real status with a new id
    (every occurrence of the original id replaced), optionally with its text made unique."""
    templates = stream_lines()
    ids = [json.loads(line)["id_str"] for line in templates]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            k = i % len(templates)
            line = templates[k].replace(ids[k], str(id_base + i))
            if distinct_text:
                rec = json.loads(line)
                suffix = f" (update {i})"
                rec["text"] += suffix
                rec["extended_tweet"]["full_text"] += suffix
                line = json.dumps(rec, ensure_ascii=False)
            fh.write(line + "\n")
    return path


# ---- a small X (Twitter) account archive, laid out like the real download -------------------


def _x_time(dt: datetime) -> str:
    """The archive's time format: ``Wed Nov 13 21:03:07 +0000 2013``."""
    return dt.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _x_tweet(
    id_str, when, full_text, *, favs="0", rts="0", hashtags=(), mentions=(), urls=(), reply_to=None, lang="en"
):
    ents = {
        "hashtags": [{"text": h, "indices": ["0", str(len(h) + 1)]} for h in hashtags],
        "symbols": [],
        "user_mentions": [
            {
                "name": name,
                "screen_name": handle,
                "indices": ["0", str(len(handle) + 1)],
                "id_str": uid,
                "id": uid,
            }
            for handle, name, uid in mentions
        ],
        "urls": [
            {
                "url": short,
                "expanded_url": full,
                "display_url": full.split("//", 1)[1][:26],
                "indices": ["0", "23"],
            }
            for short, full in urls
        ],
    }
    tweet = {
        "edit_info": {
            "initial": {
                "editTweetIds": [id_str],
                "editableUntil": "2013-11-13T21:33:07.000Z",
                "editsRemaining": "5",
                "isEditEligible": False,
            }
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": ents,
        "display_text_range": ["0", str(len(full_text))],
        "favorite_count": favs,
        "id_str": id_str,
        "truncated": False,
        "retweet_count": rts,
        "id": id_str,
        "created_at": _x_time(when),
        "favorited": False,
        "full_text": full_text,
        "lang": lang,
    }
    if reply_to:
        status_id, handle, user_id = reply_to
        tweet.update(
            {
                "in_reply_to_status_id_str": status_id,
                "in_reply_to_status_id": status_id,
                "in_reply_to_user_id": user_id,
                "in_reply_to_user_id_str": user_id,
                "in_reply_to_screen_name": handle,
            }
        )
    return tweet


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


ACCOUNT = {"accountId": "19875341", "username": "AcmeSupport", "accountDisplayName": "Acme Support"}

X_PART0 = [
    _x_tweet(
        "400795340391243777",
        _utc(2013, 11, 13, 21, 3, 7),
        "We're aware of an outage affecting card payments &amp; are working on a fix. "
        "Updates here. #AcmeOutage",
        favs="12",
        rts="31",
        hashtags=["AcmeOutage"],
    ),
    _x_tweet(
        "400797912661434368",
        _utc(2013, 11, 13, 21, 13, 20),
        "@jdoe Sorry about that &lt;3 Please DM us your case number and we'll look into it.",
        favs="1",
        mentions=[("jdoe", "Jane Doe", "1561123")],
        reply_to=("400796581712302080", "jdoe", "1561123"),
    ),
    _x_tweet(
        "400812544105017344",
        _utc(2013, 11, 13, 22, 11, 28),
        "RT @AcmeNews: Card payments are working again for all customers. Thank you for "
        "your patience! https://t.co/Xyz12AbCdE",
        mentions=[("AcmeNews", "Acme News", "7340062")],
        urls=[("https://t.co/Xyz12AbCdE", "https://news.acme.example/restored")],
    ),
    _x_tweet(
        "400830219544723456",
        _utc(2013, 11, 13, 23, 21, 42),
        "What happened tonight and what we are doing so it does not happen again: "
        "https://t.co/Q1w2E3r4T5 #AcmeOutage",
        favs="48",
        rts="20",
        hashtags=["AcmeOutage"],
        urls=[("https://t.co/Q1w2E3r4T5", "https://blog.acme.example/2013/11/outage")],
    ),
]
X_PART1 = [
    _x_tweet(
        "399000114552537088",
        _utc(2013, 11, 8, 22, 9, 39),
        "Our new app is live! Tell us what you think.",
        favs="7",
        rts="2",
    ),
    _x_tweet(
        "399361029128130560",
        _utc(2013, 11, 9, 22, 3, 52),
        "RT @jdoe: Loving the new @AcmeSupport app, so much faster",
        mentions=[("jdoe", "Jane Doe", "1561123"), ("AcmeSupport", "Acme Support", "19875341")],
    ),
]
X_LIKES = [
    {
        "like": {
            "tweetId": "398111122223333444",
            "fullText": "A liked post that is not ours",
            "expandedUrl": "https://twitter.com/i/web/status/398111122223333444",
        }
    },
]


def x_js(kind: str, part: int, items: list) -> str:
    """A ``window.YTD.<kind>.partN = [...]`` file as the archive writes it."""
    body = json.dumps(items, indent=2, separators=(",", " : "), ensure_ascii=False)
    return f"window.YTD.{kind}.part{part} = {body}"


def account_js() -> str:
    return x_js(
        "account",
        0,
        [
            {
                "account": {
                    "email": "social@acme.example",
                    "createdVia": "web",
                    "username": ACCOUNT["username"],
                    "accountId": ACCOUNT["accountId"],
                    "createdAt": "2009-01-15T17:52:39.000Z",
                    "accountDisplayName": ACCOUNT["accountDisplayName"],
                }
            }
        ],
    )


@pytest.fixture
def x_archive(tmp_path) -> SimpleNamespace:
    """An unpacked archive folder (``data/``), the same as a .zip, and a bare-tweets variant."""
    root = tmp_path / "twitter-2013-11-14-abc123"
    data = root / "data"
    data.mkdir(parents=True)
    (data / "tweets.js").write_text(x_js("tweets", 0, [{"tweet": t} for t in X_PART0]), encoding="utf-8")
    (data / "tweets-part1.js").write_text(
        x_js("tweets", 1, [{"tweet": t} for t in X_PART1]), encoding="utf-8"
    )
    (data / "account.js").write_text(account_js(), encoding="utf-8")
    (data / "like.js").write_text(x_js("like", 0, X_LIKES), encoding="utf-8")
    (root / "Your archive.html").write_text("<html><body>Your archive</body></html>", encoding="utf-8")

    zip_path = tmp_path / "twitter-2013-11-14-abc123.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(root / "Your archive.html", "Your archive.html")
        for name in ("account.js", "like.js", "tweets.js", "tweets-part1.js"):
            zf.write(data / name, f"data/{name}")
        zf.writestr("data/tweets_media/", "")

    bare = tmp_path / "older-archive" / "data"
    bare.mkdir(parents=True)
    (bare / "tweets.js").write_text(x_js("tweets", 0, X_PART0), encoding="utf-8")
    (bare / "account.js").write_text(account_js(), encoding="utf-8")

    return SimpleNamespace(
        root=root,
        data=data,
        tweets=data / "tweets.js",
        part1=data / "tweets-part1.js",
        like=data / "like.js",
        zip=zip_path,
        bare_tweets=bare / "tweets.js",
        part0=X_PART0,
        part1_tweets=X_PART1,
        account=ACCOUNT,
        likes=X_LIKES,
    )


@pytest.fixture(scope="session")
def helpers() -> SimpleNamespace:
    """The helpers above, for test modules (which do not import conftest directly)."""
    return SimpleNamespace(
        import_one=import_one,
        post_rows=post_rows,
        posts_by_id=posts_by_id,
        dump=dump,
        table_counts=table_counts,
        write_v1_stream=write_v1_stream,
        stream_lines=stream_lines,
        x_js=x_js,
        account_js=account_js,
        POST_COLUMNS=POST_COLUMNS,
        ROOT=ROOT,
    )


# ---- fonts ------------------------------------------------------------------------------------

#: the Debian package that brings a font for each writing system a test may need
FONT_PACKAGES = {
    "Japanese": "fonts-noto-cjk",
    "SimplifiedChinese": "fonts-noto-cjk",
    "Korean": "fonts-noto-cjk",
}


class Fonts:
    """The fonts Qt finds here. A test that needs one for a script calls ``require``, which
    skips the test with the reason (shown in pytest's summary) when none is installed."""

    def has(self, writing_system: str) -> bool:
        from PySide6.QtGui import QFontDatabase

        wanted = QFontDatabase.WritingSystem[writing_system]
        return any(wanted in QFontDatabase.writingSystems(f) for f in QFontDatabase.families())

    def require(self, writing_system: str) -> None:
        if not self.has(writing_system):
            package = FONT_PACKAGES.get(writing_system, "a font for it")
            pytest.skip(
                f"no font for {writing_system} text is installed here "
                f"(Debian/Ubuntu: {package}, which `python3 dev.py setup` installs as root)"
            )


@pytest.fixture(scope="session")
def fonts(qapp) -> Fonts:
    return Fonts()


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp):
    """A QApplication for the whole run, made first: code that renders headless (the PDF
    report) makes a bare QGuiApplication when none exists, and widgets cannot be built on one."""
    return qapp
