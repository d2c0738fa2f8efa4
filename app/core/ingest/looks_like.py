"""What a file that is no archive looks like, in words a user knows ("a PDF document"), so
that refusing it says something useful."""

from __future__ import annotations

from pathlib import PurePosixPath

_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a media file (WAV, AVI or WebP)"),
    (b"SQLite format 3", "an SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"\x00\x00\x00\x18ftyp", "a video"),
    (b"\x00\x00\x00\x20ftyp", "a video"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg audio file"),
    (b"\x1aE\xdf\xa3", "a video (WebM/MKV)"),
    (b"PAR1", "a Parquet file"),
]


def binary(head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[257:262] == b"ustar":
        return "a tar archive (unpack it and import the files inside)"
    if head[8:12] == b"DUCK":
        return "a DuckDB database (a workspace is opened, not imported)"
    return "a binary file, not text"


def text(head: str) -> str:
    start = head.lstrip()[:400].lower()
    if start.startswith(("<!doctype html", "<html")) or "<html" in start[:200]:
        return "a web page (HTML)"
    if start.startswith(("<?xml", "<rss", "<feed")):
        return "an XML document"
    if start.startswith("{\\rtf"):
        return "a Rich Text document"
    if start.startswith(("#", "---")):
        return "a text or Markdown document"
    return "plain text with no columns (not a table of posts)"


def zip_contents(names: list[str]) -> str:
    if any(n.startswith("word/") for n in names):
        return "a Word document"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation"
    if "META-INF/MANIFEST.MF" in names:
        return "a Java archive"
    files = [n for n in names if not n.endswith("/")]
    kinds = sorted({PurePosixPath(n).suffix.lower() or "(no ending)" for n in files})[:6]
    shown = ", ".join(kinds)
    return (
        f"a zip of {len(files)} file{'s' if len(files) != 1 else ''} ({shown}), but not an X account "
        "archive (it has no tweets.js inside), a Mastodon archive (no outbox.json) or a workbook; "
        "unpack it and import the files inside"
    )
