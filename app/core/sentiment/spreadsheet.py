"""Labels at the scale a PR team works: a sample of posts written to a CSV for colleagues to
label in a spreadsheet, and the labelled CSV read back.

The sample file opens cleanly in Excel, LibreOffice and Google Sheets: UTF-8 with a byte-order
mark (so emoji and accents survive Excel), CRLF line ends, every field quoted. Ids are text
(19-digit ids do not fit a spreadsheet's numbers); times are in the workspace's display time
zone with their UTC offset. A text that a spreadsheet would take for a formula (it starts with
``=``, ``+``, ``-`` or ``@``) is written with a leading apostrophe, which spreadsheets show as
text; the text column is for reading and is never read back.

Reading back is forgiving about what spreadsheets do to a file (a BOM or none, CRLF, ``;`` as
the separator in European locales, Windows-1252 when saved as "CSV" by an older Excel, extra
columns, blank rows) and strict about meaning: an id that is not a post of the workspace, or
a value that is not a label, is counted and quoted with its row, and that row is not kept.
An id a spreadsheet turned into a number (``4.00731E+17``) is named as such.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from app.core.errors import UserError
from app.core.label_values import parse_label
from app.core.safe_output import check_output, write_output
from app.core.sentiment import labels as lb
from app.core.store import labels_sql as q
from app.core.store.workspace import Workspace
from app.core.text_safety import spreadsheet_cell

SAMPLE_COLUMNS = ("post_id", "platform", "time", "author", "text", "label")
#: Headers that name the id and the label column (compared without case, spaces or _).
ID_HEADERS = ("post_id", "id", "tweet_id", "status_id", "id_str")
LABEL_HEADERS = ("label", "human_label", "sentiment", "your_label")
#: How many offending lines a report quotes per problem.
QUOTED = 5

_ROUNDED_ID = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


# ---- the sample -------------------------------------------------------------------------------


def write_sample(ws: Workspace, path: str | os.PathLike, n: int = 300, seed: int = 0) -> int:
    """Write up to ``n`` unlabelled posts to label (see :func:`labels.sample_for_labelling`)
    to a new CSV at ``path``; return how many. Never overwrites a file."""
    path = check_output(path, protected=[ws.path], can_force=False)
    if n <= 0:
        raise UserError("The sample needs at least one post (-n 1 or more).")
    zone_name = ws.timezone
    zone = _zone(zone_name)
    rows = lb.sample_for_labelling(ws, n=n, seed=seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([*SAMPLE_COLUMNS[:2], f"time ({zone_name})", *SAMPLE_COLUMNS[3:]])
    for r in rows:
        local = r.created_at.replace(tzinfo=timezone.utc).astimezone(zone)
        writer.writerow(
            [
                r.post_id,
                r.platform,
                local.isoformat(sep=" "),
                spreadsheet_cell(r.author_handle or r.author_name or ""),
                spreadsheet_cell(r.text),
                "",
            ]
        )
    write_output(path, ("\ufeff" + out.getvalue()).encode("utf-8"), protected=[ws.path], can_force=False)
    return len(rows)


def _zone(name: str):
    try:
        return ZoneInfo(name or "UTC")
    except Exception:  # noqa: BLE001 - a damaged setting falls back to UTC, as the timeline does
        return ZoneInfo("UTC")


# ---- reading labels back ------------------------------------------------------------------------


@dataclass
class LabelImport:
    """What reading a labelled CSV did."""

    path: str
    #: data rows read (blank rows aside)
    rows: int = 0
    #: labels kept (new or changed)
    labelled: int = 0
    #: rows whose label cell is empty: left unlabelled
    empty: int = 0
    #: rows for a post labelled again further down the file (the last one counts)
    repeated: int = 0
    #: (row, id) of rows whose id is no post of the workspace; rows are numbered as a
    #: spreadsheet shows them (the header is row 1)
    unknown_ids: list[tuple[int, str]] = field(default_factory=list)
    #: (row, value) of rows whose label is not a label
    bad_values: list[tuple[int, str]] = field(default_factory=list)
    #: (row, id) of rows whose id is on more than one platform and the file names none
    ambiguous: list[tuple[int, str]] = field(default_factory=list)
    id_column: str = ""
    label_column: str = ""

    @property
    def skipped(self) -> int:
        return len(self.unknown_ids) + len(self.bad_values) + len(self.ambiguous)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "rows": self.rows,
            "labelled": self.labelled,
            "empty": self.empty,
            "repeated": self.repeated,
            "unknown_ids": {"count": len(self.unknown_ids), "first": _quoted(self.unknown_ids)},
            "bad_values": {"count": len(self.bad_values), "first": _quoted(self.bad_values)},
            "ambiguous_ids": {"count": len(self.ambiguous), "first": _quoted(self.ambiguous)},
            "id_column": self.id_column,
            "label_column": self.label_column,
        }

    def summary(self) -> str:
        """What happened, in lines a PR analyst can read."""
        lines = [
            f"{self.path}: {self.labelled:,} label{'s' if self.labelled != 1 else ''} kept from "
            f"{self.rows:,} row{'s' if self.rows != 1 else ''}"
            + (f"; {self.empty:,} left unlabelled (empty label)" if self.empty else "")
        ]
        if self.repeated:
            lines.append(
                f"    {self.repeated:,} posts were labelled twice in the file: the last label counts"
            )
        if self.unknown_ids:
            rounded = [v for _, v in self.unknown_ids if _ROUNDED_ID.match(v)]
            lines.append(
                f"    skipped {len(self.unknown_ids):,}: the post id is not in this workspace "
                f"({_where(self.unknown_ids)})"
            )
            if rounded:
                lines.append(
                    f"    {len(rounded):,} of those ids look rounded by a spreadsheet (like “{rounded[0]}”): "
                    "open the CSV with the id column as text, or label in the file as written"
                )
        if self.bad_values:
            lines.append(
                f"    skipped {len(self.bad_values):,}: the label is not negative, neutral or positive "
                f"({_where(self.bad_values)})"
            )
        if self.ambiguous:
            lines.append(
                f"    skipped {len(self.ambiguous):,}: the id is on more than one platform and the "
                f"file has no platform column ({_where(self.ambiguous)})"
            )
        return "\n".join(lines)


def _quoted(items: list[tuple[int, str]]) -> list[dict]:
    return [{"row": line, "value": value} for line, value in items[:QUOTED]]


def _where(items: list[tuple[int, str]]) -> str:
    shown = ", ".join(f"row {line}: “{value}”" for line, value in items[:QUOTED])
    return shown + (", …" if len(items) > QUOTED else "")


def read_labels(
    ws: Workspace,
    path: str | os.PathLike,
    id_column: str | None = None,
    label_column: str | None = None,
) -> LabelImport:
    """Read a labelled CSV and keep its labels (one transaction); see the module's notes."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"There is no file at {path}.")
    text = _decode(path.read_bytes(), path)
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise UserError(f"{path} is empty: there is no header row with a post id and a label column.")
    header = [h.strip() for h in header]
    id_at = _column(header, id_column, ID_HEADERS, "post id", path)
    label_at = _column(header, label_column, LABEL_HEADERS, "label", path)
    platform_at = _find(header, ("platform",))
    report = LabelImport(str(path), id_column=header[id_at], label_column=header[label_at])

    wanted: dict[tuple[str | None, str], tuple[int, str]] = {}
    for line, row in enumerate(reader, start=2):  # the row numbers a spreadsheet shows
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        post_id = _cell(row, id_at).strip().lstrip("'").strip()
        raw_label = _cell(row, label_at)
        try:
            cls = parse_label(raw_label)
        except ValueError:
            report.bad_values.append((line, raw_label.strip()))
            continue
        if cls is None:
            report.empty += 1
            continue
        if not post_id:
            report.unknown_ids.append((line, ""))
            continue
        platform = _cell(row, platform_at).strip().lower() or None if platform_at is not None else None
        key = (platform, post_id)
        if key in wanted:
            report.repeated += 1
        wanted[key] = (line, cls)

    resolved = _resolve(ws, wanted, report)
    report.labelled = lb.set_labels(ws, resolved, source=f"spreadsheet {path.name}")
    if (
        report.rows
        and not report.labelled
        and report.skipped
        and report.skipped == report.rows - report.empty
    ):
        raise UserError(
            "No label was kept: every labelled row was skipped.\n"
            + "\n".join(report.summary().splitlines()[1:])
        )
    return report


def _resolve(
    ws: Workspace, wanted: dict[tuple[str | None, str], tuple[int, str]], report: LabelImport
) -> list[tuple[str, str, str]]:
    """(platform, post id, class) rows for the ids that are posts; the rest into ``report``."""
    con = ws.cursor()
    named = [(p, i) for p, i in wanted if p is not None]
    known = set()
    if named:
        rows = con.execute(q.KNOWN_POSTS, [[p for p, _ in named], [i for _, i in named]]).fetchall()
        known = {tuple(r) for r in rows}
    bare = [i for p, i in wanted if p is None]
    platforms: dict[str, list[str]] = {}
    if bare:
        platforms = {pid: list(ps) for pid, ps in con.execute(q.PLATFORMS_OF_IDS, [bare]).fetchall()}
    out = []
    for (platform, post_id), (line, cls) in sorted(wanted.items(), key=lambda kv: kv[1][0]):
        if platform is not None:
            if (platform, post_id) in known:
                out.append((platform, post_id, cls))
            else:
                report.unknown_ids.append((line, post_id))
            continue
        on = platforms.get(post_id, [])
        if len(on) == 1:
            out.append((on[0], post_id, cls))
        elif not on:
            report.unknown_ids.append((line, post_id))
        else:
            report.ambiguous.append((line, post_id))
    return out


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # "CSV" as older Excel saves it on Windows; ids and labels are ASCII either way
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    normalised = [_norm(h) for h in header]
    for name in names:
        if _norm(name) in normalised:
            return normalised.index(_norm(name))
    return None


def _column(header: list[str], given: str | None, names: tuple[str, ...], what: str, path: Path) -> int:
    at = _find(header, (given,) if given else names)
    if at is None:
        hint = f"“{given}”" if given else " or ".join(f"“{n}”" for n in names[:3])
        raise UserError(
            f"{path.name} has no {what} column ({hint}); its columns are "
            + ", ".join(f"“{h}”" for h in header)
            + "."
        )
    return at


def _cell(row: list[str], at: int | None) -> str:
    return row[at] if at is not None and at < len(row) else ""
