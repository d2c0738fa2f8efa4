"""What the user said about how to read a file: answers to the questions an import may ask."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportOptions:
    #: the IANA zone that times written without one are in (None: ask if the file has such times)
    timezone: str | None = None
    #: True: 03/04/2015 is 3 April; False: March 4; None: tell from the column, or ask
    dayfirst: bool | None = None
    #: the workbook sheet to read (None: the only sheet with a table, or ask)
    sheet: str | None = None
