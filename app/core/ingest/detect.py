"""Which archive format a file holds, told from its content, never from its name.

:func:`detect` reads the first few megabytes (through gzip, xz, bzip2 or zstd if the file is
compressed; as UTF-16 if it starts with that byte-order mark) and returns a
:class:`Detected`: the format, how its records are laid out, the compression and, for tables,
where the header is and how cells are separated. A file it cannot recognise raises
:class:`ImportFailed` with a message that says what the file looks like instead.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import lzma
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ImportFailed, NeedsColumnMapping
from app.core.ingest import listening, looks_like

#: Format keys (accepted by ``--format``) and what a user reads about them.
FORMATS: dict[str, str] = {
    "twitter-v1": "Twitter API v1.1",
    "twitter-v2": "Twitter API v2 (twarc2)",
    "x-archive": "X (Twitter) account archive",
    "mastodon": "Mastodon account archive",
    "bluesky": "Bluesky posts (twitwi / minet, or a repository export)",
    "csv-twarc": "CSV from twarc-csv",
    "csv-twitwi": "CSV from twitwi / minet",
    **{key: vendor.label for key, vendor in listening.VENDORS.items()},
    "csv-mapped": "Table with a column mapping",
}

#: Short names ``--format`` also takes.
ALIASES = {
    "v1": "twitter-v1",
    "v1.1": "twitter-v1",
    "twitter": "twitter-v1",
    "v2": "twitter-v2",
    "twarc2": "twitter-v2",
    "x": "x-archive",
    "archive": "x-archive",
    "csv": "csv-mapped",
    "tsv": "csv-mapped",
    "xlsx": "csv-mapped",
    "excel": "csv-mapped",
    "table": "csv-mapped",
    "twarc-csv": "csv-twarc",
    "twitwi": "csv-twitwi",
    "minet": "csv-twitwi",
    **{vendor.name.split()[0].lower(): key for key, vendor in listening.VENDORS.items()},
}

#: What kind of content each format is: ``--format`` can only choose within the kind the file is.
_FAMILY = {
    "twitter-v1": "json",
    "twitter-v2": "json",
    "x-archive": "x",
    "mastodon": "mastodon",
    "bluesky": "json",
    "csv-twarc": "table",
    "csv-twitwi": "table",
    "csv-mapped": "table",
    **dict.fromkeys(listening.VENDORS, "table"),
}

HEAD_BYTES = 4 << 20
_YTD = re.compile(r"^window\.YTD\.([A-Za-z_]+)\.part\d+\s*=\s*\[", re.S)
TWEETS_JS = re.compile(r"^tweets?(-part\d+)?\.js$", re.I)

TWARC_CSV_COLUMNS = {"id", "created_at", "text", "author_id", "author.username"}
TWITWI_CSV_COLUMNS = {"id", "timestamp_utc", "user_screen_name", "text"}

COMPRESSIONS = {
    b"\x1f\x8b": "gzip",
    b"\xfd7zXZ\x00": "xz",
    b"BZh": "bz2",
    b"\x28\xb5\x2f\xfd": "zstd",
}
_COMPRESSION_NAMES = {"gzip": ".gz", "xz": ".xz", "bz2": ".bz2", "zstd": ".zst"}


@dataclass(frozen=True)
class Detected:
    format: str
    #: lines | array | document | search | table | x-js | x-zip | mastodon | xlsx | car
    layout: str
    #: 'none', 'gzip', 'xz', 'bz2' or 'zstd'
    compression: str
    #: a table's header, as written
    columns: tuple[str, ...] = ()
    #: 'utf-8' or 'utf-16'
    encoding: str = "utf-8"
    #: a table's cell separator, and how many lines stand before its header (title rows)
    delimiter: str = ","
    skip: int = 0
    #: a workbook's sheet being read, and all its sheets
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    #: where a Mastodon archive's outbox and actor are (inside the zip, or beside the file)
    member: str | None = None

    @property
    def label(self) -> str:
        return FORMATS[self.format]

    @property
    def is_table(self) -> bool:
        return self.layout in ("table", "xlsx")


def resolve_format(name: str | None) -> str | None:
    """``--format``'s value as a format key (short names accepted), or None for automatic."""
    if not name:
        return None
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        names = ", ".join([*FORMATS, "csv", "v1", "v2", "x"])
        raise ImportFailed("--format", f"“{name}” is not a format; choose one of {names}.")
    return key


def check_readable(path: Path) -> None:
    """A regular file (or a folder, for the caller to walk): never open a FIFO, a device or a
    socket, which would block for ever or read without end."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise unreadable(path, exc) from None
    if stat.S_ISDIR(mode):
        raise ImportFailed(str(path), "this is a folder, not a file.")
    if not stat.S_ISREG(mode):
        what = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise ImportFailed(str(path), f"this is {what}, not a file: only files and folders can be imported.")


def detect(
    path: Path, forced: str | None = None, has_mapping: bool = False, sheet: str | None = None
) -> Detected:
    """Tell a file's format from its first bytes; ``forced`` names it instead (``--format``)."""
    forced = resolve_format(forced)
    check_readable(path)
    raw = _read_raw_head(path)
    if raw[:4] == b"PK\x03\x04":
        found = _detect_zip(path, sheet)
        if found.layout == "xlsx":
            return _detect_table(path, found, forced, has_mapping)
        return _forced_or(path, forced, found)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        found = _detect_workbook(path, sheet)
        return _detect_table(path, found, forced, has_mapping)
    from app.core.ingest.bluesky import looks_like_car

    if looks_like_car(raw):
        return _forced_or(path, forced, Detected("bluesky", "car", "none"))
    compression = next((name for magic, name in COMPRESSIONS.items() if raw.startswith(magic)), "none")
    if compression != "none":
        raw = read_decompressed_head(path, compression)
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8"
    text = _decode(path, raw, encoding)
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
        return _forced_or(path, forced, Detected("x-archive", "x-js", compression, encoding=encoding))

    if stripped[0] in "[{":
        found = _detect_json(path, stripped, compression, complete=len(raw) < HEAD_BYTES)
        return _forced_or(path, forced, Detected(**{**found.__dict__, "encoding": encoding}))

    table = Detected("csv-mapped", "table", compression, encoding=encoding)
    return _detect_table(path, table, forced, has_mapping, text)


# ---- reading the head --------------------------------------------------------------------------


def _read_raw_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError as exc:
        raise unreadable(path, exc) from None


def unreadable(path: Path, exc: OSError) -> ImportFailed:
    """Why a path could not be opened, in words."""
    if isinstance(exc, FileNotFoundError):
        return ImportFailed(str(path), "the file does not exist.")
    if isinstance(exc, IsADirectoryError):
        return ImportFailed(str(path), "this is a folder, not a file.")
    if isinstance(exc, PermissionError):
        return ImportFailed(str(path), "the file could not be read (permission denied).")
    return ImportFailed(str(path), f"the file could not be read ({exc.strerror or exc}).")


def open_decompressed(path: Path, compression: str):
    """A binary stream of the file's content, decompressed."""
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    if compression == "bz2":
        return bz2.open(path, "rb")
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
    return open(path, "rb")


def damaged_compression(path: Path | str, compression: str) -> ImportFailed:
    ext = _COMPRESSION_NAMES.get(compression, "compressed")
    return ImportFailed(
        str(path), f"the compressed ({ext}) file is damaged or cut short; download or copy it again."
    )


def decompression_errors() -> tuple[type[BaseException], ...]:
    """What a damaged or cut compressed stream raises, whichever the compression."""
    errors: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)
    try:
        import zstandard

        errors += (zstandard.ZstdError,)
    except ImportError:  # pragma: no cover - a dependency of the app
        pass
    return errors


def read_decompressed_head(path: Path, compression: str) -> bytes:
    try:
        with open_decompressed(path, compression) as fh:
            out = bytearray()
            # a zstd stream hands out what it has, not what was asked: read until full or done
            while len(out) < HEAD_BYTES:
                chunk = fh.read(HEAD_BYTES - len(out))
                if not chunk:
                    break
                out += chunk
            return bytes(out)
    except decompression_errors():
        raise damaged_compression(path, compression) from None


def _decode(path: Path, raw: bytes, encoding: str) -> str:
    if encoding == "utf-16":
        try:
            return codecs.getincrementaldecoder("utf-16")().decode(raw, final=False)
        except UnicodeDecodeError:
            raise ImportFailed(str(path), "the file starts like UTF-16 text but is damaged.") from None
    if b"\x00" in raw[:65536]:
        raise ImportFailed(
            str(path), f"not a format this app reads (it looks like {looks_like.binary(raw)})."
        )
    try:
        # final=False: the head may end in the middle of a character
        return codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            str(path),
            f"the file is not UTF-8 text (an unreadable character on line {line}); "
            "save it as UTF-8 (or UTF-16) and import it again.",
        ) from None


# ---- JSON --------------------------------------------------------------------------------------


def _classify(obj: object) -> str | None:
    """A record's format; None if it does not tell (a notice, or not a record)."""
    if not isinstance(obj, dict):
        return None
    if obj.get("type") in ("OrderedCollection", "OrderedCollectionPage") and "orderedItems" in obj:
        return "mastodon-outbox"
    if obj.get("type") in ("Person", "Service", "Application", "Group") and "preferredUsername" in obj:
        return "mastodon-actor"
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


#: Keys that tell a format when the head holds only the start of one large document.
_KEY_HINTS = (
    ('"orderedItems"', "mastodon-outbox"),
    ('"preferredUsername"', "mastodon-actor"),
    ('"statuses"', "twitter-v1-search"),
    ('"search_metadata"', "twitter-v1-search"),
    ('"includes"', "twitter-v2"),
    ('"data"', "twitter-v2"),
    ('"id_str"', "twitter-v1"),
)


def _result(path: Path, kind: str | None, layout: str, compression: str) -> Detected:
    if kind == "elasticsearch":
        raise ImportFailed(
            str(path), "this is an Elasticsearch dump (gazouilloire); export it as CSV and import that."
        )
    if kind == "mastodon-actor":
        raise ImportFailed(
            str(path),
            "this is the account part (actor.json) of a Mastodon archive, not its posts: import "
            "outbox.json, the archive's folder, or its .zip.",
        )
    if kind == "mastodon-outbox":
        return Detected("mastodon", "mastodon", compression)
    if kind == "twitter-v1-search":
        return Detected("twitter-v1", "search", compression)
    if kind == "bluesky":
        return Detected("bluesky", layout, compression)
    if kind in ("twitter-v1", "twitter-v2", "x-archive"):
        return Detected(kind, layout, compression)
    raise ImportFailed(
        str(path),
        "not a format this app reads (it looks like JSON, but not posts from Twitter, X, "
        "Mastodon or Bluesky).",
    )


def _loads(line: str) -> object:
    try:
        return json.loads(line)
    except RecursionError:
        raise ImportFailed(
            "", "the JSON is nested hundreds of levels deep: it is not an archive of posts."
        ) from None


def _raw_decode(text: str, start: int = 0) -> object:
    try:
        return json.JSONDecoder().raw_decode(text, start)[0]
    except RecursionError:
        raise ImportFailed(
            "", "the JSON is nested hundreds of levels deep: it is not an archive of posts."
        ) from None


def _detect_json(path: Path, text: str, compression: str, complete: bool) -> Detected:
    try:
        return _detect_json_inner(path, text, compression, complete)
    except ImportFailed as exc:
        if not exc.path:
            raise ImportFailed(str(path), exc.problem) from None
        raise


def _detect_json_inner(path: Path, text: str, compression: str, complete: bool) -> Detected:
    if text[0] == "[":
        body = text[1:].lstrip()
        if body.startswith("]"):
            raise ImportFailed(str(path), "the file holds an empty list: there are no posts in it.")
        try:
            first = _raw_decode(text, len(text) - len(body))
        except json.JSONDecodeError:
            if complete:
                raise ImportFailed(str(path), "the JSON list in this file is damaged.") from None
            # the first element is larger than the head: tell by its keys
            first = None
            kind = next((k for key, k in _KEY_HINTS if key in text), None)
            return _result(path, kind, "array", compression)
        return _result(path, _classify(first), "array", compression)

    lines = text.splitlines()
    parsed_any = False
    for raw_line in lines[:200]:
        line = raw_line.strip()
        if not line:
            continue
        try:
            obj = _loads(line)
        except json.JSONDecodeError:
            continue  # a damaged line: the importer counts it; keep looking
        if not isinstance(obj, dict):
            continue  # a line of a pretty-printed document ("…",), not a record
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
        obj = _raw_decode(text)
        kind = _classify(obj)
    except json.JSONDecodeError as exc:
        if complete:
            where = f" (line {exc.lineno}, column {exc.colno})"
            raise ImportFailed(
                str(path), f"the file starts like JSON but is not valid JSON{where}."
            ) from None
        # a document larger than the head: its keys tell what it is
        kind = next((k for key, k in _KEY_HINTS if key in text), None)
        if kind is None:
            raise ImportFailed(
                str(path),
                "not a format this app reads (it looks like a large JSON document, but its first "
                f"{HEAD_BYTES >> 20} MB hold no posts from Twitter, X, Mastodon or Bluesky).",
            ) from None
    layout = "search" if kind == "twitter-v1-search" else "document"
    return _result(path, kind, layout, compression)


# ---- tables ------------------------------------------------------------------------------------


def _detect_table(
    path: Path, found: Detected, forced: str | None, has_mapping: bool, text: str | None = None
) -> Detected:
    if forced and _FAMILY[forced] != "table":
        raise ImportFailed(
            str(path),
            f"“--format {forced}” does not fit this file: it is a table (CSV or spreadsheet), "
            "not JSON. Leave --format out and the app will tell the format itself.",
        )
    if found.layout == "xlsx":
        from app.core.ingest import workbook

        header_rows = workbook.head_rows(path, found.sheet)
        columns, skip = find_header(header_rows)
        found = Detected(**{**found.__dict__, "columns": columns, "skip": skip})
    else:
        assert text is not None
        delimiter, columns, skip = sniff_table(path, text)
        found = Detected(**{**found.__dict__, "columns": columns, "skip": skip, "delimiter": delimiter})
    return _table_format(path, found, forced, has_mapping)


def _table_format(path: Path, found: Detected, forced: str | None, has_mapping: bool) -> Detected:
    columns = found.columns
    vendor = listening.recognise(columns)
    if forced == "csv-mapped" or (has_mapping and not vendor):
        # the user's mapping; a listening tool's export keeps the tool's own, with theirs on top
        return Detected(**{**found.__dict__, "format": "csv-mapped"})
    known = None
    if set(columns) >= TWITWI_CSV_COLUMNS:
        known = "csv-twitwi"
    elif set(columns) >= TWARC_CSV_COLUMNS:
        known = "csv-twarc"
    else:
        known = listening.recognise(columns)
    if forced and forced != known and (forced in listening.VENDORS or forced in ("csv-twitwi", "csv-twarc")):
        raise ImportFailed(
            str(path),
            f"“--format {forced}” does not fit this file: its columns are not those of "
            f"{FORMATS[forced]}. Use --format csv with --map to say which column holds what.",
        )
    if known:
        return Detected(**{**found.__dict__, "format": known})
    if len(columns) > 1:
        shown = ", ".join(columns[:8]) + (", …" if len(columns) > 8 else "")
        from app.core.ingest.guess import guess_mapping, map_options

        guess = guess_mapping(columns)
        hint = f" From the column names, perhaps: {map_options(guess)}" if guess else ""
        raise NeedsColumnMapping(
            str(path),
            f"this table's columns are not ones the app knows ({shown}). Import it with a column "
            "mapping that says which column holds the post id (or its URL), the time and the text." + hint,
            columns,
        )
    raise ImportFailed(
        str(path), f"not a format this app reads (it looks like {looks_like.text(found_text(path, found))})."
    )


def found_text(path: Path, found: Detected) -> str:
    try:
        raw = (
            read_decompressed_head(path, found.compression)
            if found.compression != "none"
            else _read_raw_head(path)
        )
    except ImportFailed:
        return ""
    return codecs.decode(raw[:65536], "utf-16" if found.encoding == "utf-16" else "utf-8", errors="replace")


_DELIMITER_CHOICES = (",", "\t", ";", "|")


def sniff_table(path: Path, text: str) -> tuple[str, tuple[str, ...], int]:
    """(delimiter, header, lines before the header) of a delimited text table.

    Listening tools put a few title lines ("Report:", "From:", a blank line) before the
    header, so the header is the first line whose cell count the rows after it keep. Python's
    csv module splits the lines, so quoted cells with the separator or line breaks in them
    are whole."""
    lines = text.splitlines(keepends=True)[:400]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the head may end mid-line
    best: tuple[float, str, tuple[str, ...], int] | None = None
    for delim in _DELIMITER_CHOICES:
        for skip in range(min(12, len(lines))):
            if not lines[skip].strip():
                continue  # a header is never blank
            try:
                rows = list(csv.reader(io.StringIO("".join(lines[skip:])), delimiter=delim))
            except csv.Error:
                continue
            rows = [r for r in rows if any(c.strip() for c in r)][:60]
            if not rows or len(rows[0]) < 2:
                continue
            width = len(rows[0])
            if skip and _widest(lines[:skip], delim) >= width / 2:
                continue  # title rows are narrow ("Report:", "Brand: …"); these are data
            body = rows[1:] or rows[:1]
            fit = sum(1 for r in body if len(r) == width) / len(body)
            score = fit * min(width, 40) - skip * 0.01
            if best is None or score > best[0]:
                best = (score, delim, tuple(c.strip() for c in rows[0]), skip)
        if best and best[0] >= 3 and best[1] == delim:
            break  # a clear fit with the likeliest separator
    if best is None or best[0] < 1:
        first = lines[0].rstrip("\r\n") if lines else ""
        return ",", (first.strip(),) if first.strip() else (), 0
    _, delim, header, skip = best
    return delim, header, skip


def _widest(lines: list[str], delim: str) -> int:
    try:
        return max((len(r) for r in csv.reader(io.StringIO("".join(lines)), delimiter=delim)), default=0)
    except csv.Error:
        return 0


def find_header(rows: list[list[str]]) -> tuple[tuple[str, ...], int]:
    """A workbook's header row: the first row as wide as most rows after it (title rows
    above it are narrower: "Report: …" in one cell)."""
    rows = [[("" if c is None else str(c)).strip() for c in r] for r in rows]
    widths = [sum(1 for c in r if c) for r in rows]
    for i, w in enumerate(widths[:20]):
        if w >= 2 and all(w >= x for x in widths[i + 1 : i + 30] if x):
            return tuple(c for c in _trim_right(rows[i])), i
    for i, w in enumerate(widths):
        if w >= 1:
            return tuple(_trim_right(rows[i])), i
    return (), 0


def _trim_right(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row = row[:-1]
    return row


# ---- containers --------------------------------------------------------------------------------


def _forced_or(path: Path, forced: str | None, found: Detected) -> Detected:
    if not forced or forced == found.format:
        return found
    if _FAMILY[forced] != _FAMILY.get(found.format):
        kind = {
            "json": "JSON",
            "x": "an X account archive",
            "mastodon": "a Mastodon archive",
            "table": "a table",
        }
        raise ImportFailed(
            str(path),
            f"“--format {forced}” does not fit this file: it holds {kind[_FAMILY[found.format]]} "
            f"({found.label}). Leave --format out and the app will tell the format itself.",
        )
    # The user insists: keep the layout we saw, read it as they say.
    return Detected(**{**found.__dict__, "format": forced})


def _detect_zip(path: Path, sheet: str | None) -> Detected:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, EOFError):
        raise ImportFailed(
            str(path), "the zip file is damaged or cut short; download or copy it again."
        ) from None
    except OSError as exc:
        raise ImportFailed(str(path), f"the zip file could not be read ({exc.strerror or exc}).") from None
    if any(TWEETS_JS.match(Path(n).name) for n in names):
        return Detected("x-archive", "x-zip", "none")
    outbox = next((n for n in names if Path(n).name == "outbox.json"), None)
    if outbox:
        return Detected("mastodon", "mastodon", "none", member=outbox)
    excel = "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names)
    opendocument = "content.xml" in names and "mimetype" in names
    if excel or opendocument:
        return _detect_workbook(path, sheet)
    raise ImportFailed(
        str(path), f"not a format this app reads (it looks like {looks_like.zip_contents(names)})."
    )


def _detect_workbook(path: Path, sheet: str | None) -> Detected:
    """A workbook (.xlsx, .xls, .ods): which sheet to read is decided here."""
    from app.core.ingest import workbook

    sheets = workbook.sheet_names(path)
    return Detected(
        "csv-mapped", "xlsx", "none", sheet=workbook.pick_sheet(path, sheets, sheet), sheets=tuple(sheets)
    )
