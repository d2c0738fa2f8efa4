"""Asking the user which column of an unfamiliar CSV file holds which piece of a post.

When a CSV's columns are not ones the app knows (twarc-csv, twitwi/minet), the importer needs
a column mapping (post field -> column name). This dialog shows the file's first rows and one
choice per field, pre-filled with a guess from the column names, and lets the user go on only
once the three fields a post cannot do without (id, time, text) are chosen.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.ingest.csv_export import REQUIRED
from app.core.store.ingest_sql import MAPPABLE_FIELDS
from app.ui.widgets import WheelSafeComboBox

NOT_IN_FILE = "(not in this file)"

#: What the user reads for each field, in the order the choices are shown.
FIELD_NAMES: dict[str, str] = {
    "post_id": "Post id",
    "created_at": "Time",
    "text": "Text",
    "author_handle": "Author handle",
    "author_name": "Author name",
    "author_id": "Author id",
    "author_followers": "Author followers",
    "kind": "Kind (post / retweet / reply / quote)",
    "lang": "Language",
    "retweet_count": "Retweets",
    "like_count": "Likes",
    "reply_count": "Replies",
    "quote_count": "Quotes",
    "hashtags": "Hashtags",
    "mentions": "Mentions",
    "urls": "Links",
    "ref_post_id": "Points to post id",
    "ref_author_handle": "Points to author",
    "ref_text": "Text of the quoted post",
    "platform": "Platform (twitter, bluesky, …)",
}

#: Column names that surely mean a field, after :func:`_norm` (first match wins).
_EXACT: dict[str, tuple[str, ...]] = {
    "post_id": ("id", "id_str", "tweet_id", "post_id", "status_id", "tweetid", "postid", "message_id"),
    "created_at": (
        "created_at",
        "timestamp_utc",
        "timestamp",
        "date",
        "time",
        "datetime",
        "date_time",
        "created",
        "created_time",
        "posted_at",
        "published_at",
        "publish_date",
        "date_created",
        "tweet_date",
        "post_date",
        "createdat",
    ),
    "text": (
        "text",
        "full_text",
        "body",
        "message",
        "content",
        "tweet_text",
        "post_text",
        "text_content",
        "message_text",
        "tweet",
        "post",
    ),
    "author_handle": (
        "screen_name",
        "user_screen_name",
        "username",
        "user_username",
        "author_username",
        "handle",
        "author_handle",
        "user_handle",
        "user",
        "author",
        "account",
        "author_screen_name",
        "from_user",
    ),
    "author_name": (
        "user_name",
        "author_name",
        "name",
        "display_name",
        "user_display_name",
        "author_display_name",
        "full_name",
    ),
    "author_id": ("user_id", "author_id", "user_id_str", "account_id", "from_user_id"),
    "author_followers": (
        "followers",
        "followers_count",
        "user_followers",
        "author_followers",
        "follower_count",
        "user_followers_count",
        "author_followers_count",
        "audience",
    ),
    "kind": ("kind", "type", "post_type", "tweet_type", "message_type"),
    "lang": ("lang", "language", "language_code", "lang_code"),
    "retweet_count": (
        "retweets",
        "retweet_count",
        "rts",
        "rt_count",
        "reposts",
        "repost_count",
        "shares",
        "share_count",
    ),
    "like_count": (
        "likes",
        "like_count",
        "favorites",
        "favourites",
        "favorite_count",
        "favourite_count",
        "favs",
        "hearts",
    ),
    "reply_count": ("replies", "reply_count", "comments", "comment_count"),
    "quote_count": ("quotes", "quote_count", "quote_tweets"),
    "hashtags": ("hashtags", "hashtag", "tags"),
    "mentions": ("mentions", "user_mentions", "mentioned_names", "mentioned_users"),
    "urls": ("urls", "links", "expanded_urls", "link"),
    "ref_post_id": (
        "ref_post_id",
        "in_reply_to_status_id",
        "in_reply_to_status_id_str",
        "in_reply_to",
        "reply_to_id",
        "parent_id",
        "retweeted_id",
        "retweeted_status_id",
        "quoted_id",
        "quoted_status_id",
        "to_tweetid",
    ),
    "ref_author_handle": (
        "ref_author_handle",
        "in_reply_to_screen_name",
        "in_reply_to_user",
        "reply_to_user",
        "retweeted_user",
        "quoted_user",
        "to_username",
    ),
    "ref_text": ("ref_text", "quoted_text", "quoted_status_text"),
    "platform": ("platform", "network", "social_network", "site", "source_network"),
}

#: Words that, within a longer column name ("Tweet Date (UTC)"), point to a field; the more
#: telling words come first, so "User Followers" is a follower count, not a handle.
_WORDS: list[tuple[str, frozenset[str]]] = [
    ("author_followers", frozenset({"followers", "follower"})),
    ("retweet_count", frozenset({"retweets", "reposts", "shares"})),
    ("like_count", frozenset({"likes", "favorites", "favourites"})),
    ("reply_count", frozenset({"replies"})),
    ("quote_count", frozenset({"quotes"})),
    ("hashtags", frozenset({"hashtags", "hashtag"})),
    ("mentions", frozenset({"mentions"})),
    ("urls", frozenset({"urls", "links"})),
    ("lang", frozenset({"lang", "language"})),
    ("created_at", frozenset({"date", "time", "timestamp", "created", "datetime", "posted", "published"})),
    ("text", frozenset({"text", "body", "message", "content"})),
    ("author_handle", frozenset({"handle", "screen", "username"})),
]


def _word_field(words: set[str]) -> str | None:
    if "id" in words:
        # an id is the post's only when the name says so ("Tweet ID"; not "User ID")
        return "post_id" if words & {"tweet", "post", "status"} and not words & {"user", "author"} else None
    for field, hints in _WORDS:
        if words & hints:
            return field
    if words & {"user", "author", "account"} and "name" not in words:
        return "author_handle"
    return None


PREVIEW_CELL_CHARS = 200


def _norm(name: str) -> str:
    """``"Tweet ID"``, ``"tweetId"``, ``"tweet-id"`` -> ``"tweet_id"``."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def guess_mapping(columns: list[str] | tuple[str, ...]) -> dict[str, str]:
    """A first guess of field -> column from the column names (each column used once)."""
    normed = {col: _norm(col) for col in columns}
    used: set[str] = set()
    guess: dict[str, str] = {}
    fields = [f for f in FIELD_NAMES if f in MAPPABLE_FIELDS]
    for field in fields:
        for candidate in _EXACT.get(field, ()):
            col = next((c for c in columns if c not in used and normed[c] == candidate), None)
            if col is not None:
                guess[field] = col
                used.add(col)
                break
    # Then longer names, by the words in them.
    for col in columns:
        if col in used:
            continue
        field = _word_field(set(normed[col].split("_")))
        if field is not None and field not in guess and field in fields:
            guess[field] = col
            used.add(col)
    return guess


def read_preview(path: Path, limit: int = 20) -> tuple[list[str], list[list[str]]]:
    """The header and first ``limit`` rows of a CSV file (plain or gzip), as text.

    The delimiter is sniffed on the header line, as the importer does, so the columns match
    the names a mapping must use. Undecodable bytes are shown replaced, never fatal: this is
    only a preview.
    """
    with open(path, "rb") as raw:
        magic = raw.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        # 1 MB is plenty for a header and twenty rows of posts
        head = fh.read(1 << 20)
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head, final=False)
    if not text.strip():
        return [], []
    first = text.splitlines()[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        columns = [c.strip() for c in next(reader)]
    except (StopIteration, csv.Error):
        return [], []
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= limit:
                break
            rows.append(row)
    except csv.Error:
        pass  # a row cut off at the 1 MB mark: the rows before it are enough
    return columns, rows


class ColumnMappingDialog(QDialog):
    """One choice per post field over a CSV's columns; :meth:`mapping` is the result."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        preview_rows: list[list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.columns = list(columns)
        self.setWindowTitle("Which column holds what?")
        self.resize(900, 640)

        intro = QLabel(
            f"The columns of “{self.path.name}” are not ones the app knows. Say which column "
            "holds each piece of a post. The post id, the time and the text are needed; "
            "choose “(not in this file)” for anything the file does not have."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)

        self.preview = QTableWidget(len(preview_rows), len(self.columns))
        self.preview.setHorizontalHeaderLabels(self.columns)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setDefaultSectionSize(140)
        for r, row in enumerate(preview_rows):
            for c in range(len(self.columns)):
                cell = row[c] if c < len(row) else ""
                shown = cell if len(cell) <= PREVIEW_CELL_CHARS else cell[:PREVIEW_CELL_CHARS] + "…"
                item = QTableWidgetItem(shown.replace("\n", " ⏎ "))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.preview.setItem(r, c, item)

        form_host = QWidget()
        form = QFormLayout(form_host)
        self.combos: dict[str, QComboBox] = {}
        guess = guess_mapping(self.columns)
        fields = [f for f in FIELD_NAMES if f in MAPPABLE_FIELDS]
        fields += [f for f in MAPPABLE_FIELDS if f not in FIELD_NAMES]  # fields added later
        for field in fields:
            combo = WheelSafeComboBox()  # the wheel scrolls the form, not the choices
            combo.addItem(NOT_IN_FILE, None)
            for col in self.columns:
                combo.addItem(col, col)
            if field in guess:
                combo.setCurrentIndex(combo.findData(guess[field]))
            combo.currentIndexChanged.connect(self._update)
            label = QLabel(FIELD_NAMES.get(field, field) + (" *" if field in REQUIRED else ""))
            label.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(label, combo)
            self.combos[field] = combo
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview)
        split.addWidget(scroll)
        split.setSizes([220, 400])

        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import with these columns")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self._update()

    read_preview = staticmethod(read_preview)

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def set_column(self, field: str, column: str | None) -> None:
        """Choose ``column`` for ``field`` (None: not in this file)."""
        combo = self.combos[field]
        index = combo.findData(column) if column is not None else 0
        if index < 0:
            raise KeyError(column)
        combo.setCurrentIndex(index)

    def mapping(self) -> dict[str, str]:
        """field -> column for every field the user matched to a column."""
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    def missing(self) -> list[str]:
        chosen = self.mapping()
        return [f for f in REQUIRED if f not in chosen]

    def _update(self) -> None:
        missing = self.missing()
        self.ok_button.setEnabled(not missing)
        if missing:
            names = [FIELD_NAMES.get(f, f).lower() for f in missing]
            self.hint.setText("Still needed: the column that holds the " + _and(names) + ".")
            self.hint.setStyleSheet("color: #b00020;")
        else:
            self.hint.setText("Ready: the post id, time and text columns are chosen.")
            self.hint.setStyleSheet("")

    def accept(self) -> None:
        if self.missing():
            return
        super().accept()


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
