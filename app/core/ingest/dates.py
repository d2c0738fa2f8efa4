"""Deciding, once for a whole column, how its dates read.

A column of 03/04/2015-style dates is day-first if some value's first number is above 12,
month-first if some value's second number is; if no value settles it the user is asked
(``--dayfirst`` / ``--monthfirst``, or the window's question), never guessed row by row.
Times written without a zone are read in the zone the user gives; if the file has such times
and no zone was given, the user is asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import NeedsChoice
from app.core.ingest.options import ImportOptions


@dataclass(frozen=True)
class DateReading:
    dayfirst: bool | None
    #: the zone zone-less times were read in, None when the column had none
    timezone: str | None
    warnings: tuple[str, ...] = ()


def decide(path: str, column: str, survey: tuple, options: ImportOptions) -> DateReading:
    """``survey`` is the row of :func:`ingest_text_sql.date_survey` over the column."""
    (_n, n_dmy, _max_a, _max_b, n_zoneless, ex_dmy, ex_zoneless, n_first_big, n_second_big, n_unequal) = (
        survey
    )
    warnings: list[str] = []
    dayfirst = options.dayfirst
    if n_dmy and dayfirst is None:
        if n_first_big and not n_second_big:
            dayfirst = True
        elif n_second_big and not n_first_big:
            dayfirst = False
        elif n_first_big and n_second_big:
            dayfirst = n_first_big >= n_second_big
            warnings.append(
                f"the dates in column “{column}” are written both day-first and month-first; they "
                f"were read {'day' if dayfirst else 'month'}-first, as most of them are, and the "
                "others were rejected"
            )
        elif not n_unequal:
            dayfirst = True  # every such date has day = month: either order reads the same
        else:
            raise NeedsChoice(
                path,
                f"the dates in column “{column}” can be read day-first or month-first "
                f"(is “{ex_dmy}” in day/month or month/day order?), and no date in the file "
                "settles it. Say which: --dayfirst or --monthfirst.",
                "date_order",
                example=ex_dmy or "",
            )
    timezone = None
    if n_zoneless:
        if options.timezone is None:
            raise NeedsChoice(
                path,
                f"the times in column “{column}” are written without a time zone (“{ex_zoneless}”). "
                "Say which zone they are in: --timezone ZONE (for example --timezone Europe/London, "
                "--timezone America/New_York or --timezone UTC).",
                "timezone",
                example=ex_zoneless or "",
            )
        timezone = options.timezone
    return DateReading(dayfirst, timezone, tuple(warnings))
