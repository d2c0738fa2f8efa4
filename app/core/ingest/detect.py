"""Which archive format a file holds, told from its content, never from its name.

:func:`detect` reads the first few megabytes (through gzip if the file is compressed) and
returns a :class:`Detected`: the format, how its records are laid out, and the compression.
A file it cannot recognise raises :class:`ImportFailed` with a message that says what the
file looks like instead.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ImportFailed, NeedsColumnMapping

#: Format keys (accepted by ``--format``) and what a user reads about them.
FORMATS: dict[str, str] = {
    "twitter-v1": "Twitter API v1.1",
    "twitter-v2": "Twitter API v2 (twarc2)",
    "x-archive": "X (Twitter) account archive",
    "csv-twarc": "CSV from twarc-csv",
    "csv-twitwi": "CSV from twitwi / minet",
    "csv-mapped": "CSV with a column mapping",
}

HEAD_BYTES = 4 << 20
_YTD = re.compile(r"^window\.YTD\.([A-Za-z_]+)\.part\d+\s*=\s*\[", re.S)
TWEETS_JS = re.compile(r"^tweets?(-part\d+)?\.js$", re.I)

TWARC_CSV_COLUMNS = {"id", "created_at", "text", "author_id", "author.username"}
TWITWI_CSV_COLUMNS = {"id", "timestamp_utc", "user_screen_name", "text"}


@dataclass(frozen=True)
class Detected:
    format: str
    #: lines | array | document | search | csv | x-js | x-zip
    layout: str
    compression: str  # 'gzip' or 'none'
    #: CSV header (csv layouts only)
    columns: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return FORMATS[self.format]


def detect(path: Path, forced: str | None = None, has_mapping: bool = False) -> Detected:
    """Tell a file's format from its first bytes; ``forced`` names it instead (``--format``)."""
    raw = _read_raw_head(path)
    if raw[:4] == b"PK\x03\x04":
        return _detect_zip(path)
    compression = "none"
    if raw[:2] == b"\x1f\x8b":
        compression = "gzip"
        raw = _read_gzip_head(path)
    text = _decode(path, raw)
    stripped = text.lstrip()
    if not stripped:
        raise ImportFailed(str(path), "the file is empty.")

    ytd = _YTD.match(stripped)
    if ytd:
        if ytd.group(1).lower() not in ("tweets", "tweet"):
            raise ImportFailed(
                str(path),
                f"this is the “{ytd.group(1)}” part of an X account archive, not its posts "
                "(those are in tweets.js).",
            )
        return _forced_or(forced, Detected("x-archive", "x-js", compression))

    if stripped[0] in "[{":
        found = _detect_json(path, stripped, compression)
        return _forced_or(forced, found)

    columns = _csv_header(stripped)
    if forced == "csv-mapped" or has_mapping:
        return Detected("csv-mapped", "csv", compression, columns)
    if set(columns) >= TWITWI_CSV_COLUMNS:
        return _forced_or(forced, Detected("csv-twitwi", "csv", compression, columns))
    if set(columns) >= TWARC_CSV_COLUMNS:
        return _forced_or(forced, Detected("csv-twarc", "csv", compression, columns))
    if len(columns) > 1:
        shown = ", ".join(columns[:8]) + (", …" if len(columns) > 8 else "")
        raise NeedsColumnMapping(
            str(path),
            f"this CSV file's columns are not ones the app knows ({shown}). Import it with a "
            "column mapping that says which column holds the post id, the time and the text.",
            columns,
        )
    raise ImportFailed(
        str(path),
        "this is not a format the app can import (Twitter v1.1 or v2 JSON, an X account "
        "archive, or a CSV export).",
    )


def _forced_or(forced: str | None, found: Detected) -> Detected:
    if not forced or forced == found.format:
        return found
    if forced not in FORMATS:
        raise ImportFailed("--format", f"“{forced}” is not a format; choose one of {', '.join(FORMATS)}.")
    # The user insists: keep the layout we saw, read it as they say.
    return Detected(forced, found.layout, found.compression, found.columns)


def _read_raw_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise ImportFailed(str(path), "the file does not exist.") from None
    except IsADirectoryError:
        raise ImportFailed(str(path), "this is a folder, not a file.") from None
    except PermissionError:
        raise ImportFailed(str(path), "the file could not be read (permission denied).") from None
    except OSError as exc:
        raise ImportFailed(str(path), f"the file could not be read ({exc.strerror or exc}).") from None


def _read_gzip_head(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
        raise ImportFailed(
            str(path), "the compressed (.gz) file is damaged or cut short; download or copy it again."
        ) from None


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFailed(str(path), "the file is in UTF-16; save it as UTF-8 and import it again.")
    if b"\x00" in raw[:65536]:
        raise ImportFailed(str(path), "this is a binary file, not a text archive.")
    try:
        # final=False: the head may end in the middle of a character
        return codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            str(path),
            f"the file is not UTF-8 text (an unreadable character on line {line}); "
            "save it as UTF-8 and import it again.",
        ) from None


def _classify(obj: object) -> str | None:
    """A record's format; None if it does not tell (a notice, or not a record)."""
    if not isinstance(obj, dict):
        return None
    if "statuses" in obj:
        return "twitter-v1-search"
    if "data" in obj or "includes" in obj:
        return "twitter-v2"
    if "user" in obj and ("id_str" in obj or "id" in obj):
        return "twitter-v1"
    if "author_id" in obj and "id" in obj and "text" in obj:
        return "twitter-v2"
    if isinstance(obj.get("tweet"), dict) or ("full_text" in obj and "user" not in obj):
        return "x-archive"
    if ("uri" in obj and "cid" in obj) or isinstance(obj.get("post"), dict):
        return "bluesky"
    if "_source" in obj:
        return "elasticsearch"
    return None


_UNSUPPORTED = {
    "bluesky": "this is a Bluesky export; Bluesky is not supported yet.",
    "elasticsearch": "this is an Elasticsearch dump (gazouilloire); export it as CSV and import that.",
}


def _result(path: Path, kind: str | None, layout: str, compression: str) -> Detected:
    if kind in _UNSUPPORTED:
        raise ImportFailed(str(path), _UNSUPPORTED[kind])
    if kind == "twitter-v1-search":
        return Detected("twitter-v1", "search", compression)
    if kind in ("twitter-v1", "twitter-v2", "x-archive"):
        return Detected(kind, layout, compression)
    raise ImportFailed(
        str(path),
        "this JSON does not hold Twitter posts the app recognises (v1.1 statuses, v2 tweets or "
        "an X account archive).",
    )


def _detect_json(path: Path, text: str, compression: str) -> Detected:
    if text[0] == "[":
        try:
            first, _ = json.JSONDecoder().raw_decode(text, text.index("[") + 1 + _ws(text[1:]))
        except (json.JSONDecodeError, ValueError):
            if text[1:].strip().startswith("]"):
                raise ImportFailed(
                    str(path), "the file holds an empty list: there are no posts in it."
                ) from None
            raise ImportFailed(str(path), "the JSON list in this file is damaged.") from None
        return _result(path, _classify(first), "array", compression)

    lines = text.splitlines()
    parsed_any = False
    for raw in lines[:200]:
        line = raw.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue  # a damaged line: the importer counts it; keep looking
        parsed_any = True
        kind = _classify(obj)
        if kind == "twitter-v1-search":
            return Detected("twitter-v1", "search", compression)
        if kind:
            return _result(path, kind, "lines", compression)
        if isinstance(obj, dict) and {"delete", "limit"} & obj.keys():
            continue
    if parsed_any:
        # only stream notices so far: a v1.1 stream with no statuses in its head
        return Detected("twitter-v1", "lines", compression)
    # Not one object per line: a pretty-printed document (or several, one after another).
    try:
        obj, _ = json.JSONDecoder().raw_decode(text)
        kind = _classify(obj)
    except json.JSONDecodeError:
        kind = None
        for key, k in (
            ('"statuses"', "twitter-v1-search"),
            ('"data"', "twitter-v2"),
            ('"includes"', "twitter-v2"),
            ('"user"', "twitter-v1"),
        ):
            if key in text:
                kind = k
                break
        if kind is None:
            raise ImportFailed(str(path), "the file starts like JSON but is not valid JSON.") from None
    return _result(path, kind, "search" if kind == "twitter-v1-search" else "document", compression)


def _ws(s: str) -> int:
    return len(s) - len(s.lstrip())


def _csv_header(text: str) -> tuple[str, ...]:
    first = text.splitlines()[0] if text else ""
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    row = next(csv.reader(io.StringIO(first), dialect), [])
    return tuple(c.strip() for c in row)


def _detect_zip(path: Path) -> Detected:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        raise ImportFailed(str(path), "the zip file is damaged or cut short.") from None
    if any(TWEETS_JS.match(Path(n).name) for n in names):
        return Detected("x-archive", "x-zip", "none")
    raise ImportFailed(
        str(path), "this zip file is not an X (Twitter) account archive: it has no tweets.js inside."
    )
