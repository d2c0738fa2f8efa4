"""SQL expressions that turn what an archive holds into plain text, and read dates as exports
write them: HTML entities decoded once, HTML markup turned into text, hashtags / mentions / links
taken from the text, and times in the forms spreadsheets and listening tools use.

Everything here is an expression builder over column expressions: no query text of its own,
no user text spliced in (a time zone goes in as a query parameter).
"""

from __future__ import annotations

# ---- text ----------------------------------------------------------------------------------

#: Named entities decoded besides ``&amp;`` (decoded last, so that ``&amp;lt;`` stays ``&lt;``).
_NAMED = {
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&apos;": "'",
    "&nbsp;": "\u00a0",
    "&hellip;": "…",
    "&ndash;": "–",
    "&mdash;": "—",
    "&lsquo;": "‘",
    "&rsquo;": "’",
    "&ldquo;": "“",
    "&rdquo;": "”",
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def decode_entities(expr: str) -> str:
    """Every HTML entity decoded exactly once: the named ones, then numeric ones (``&#39;``,
    ``&#x1F600;``), then ``&amp;``. In that order no entity is decoded twice: ``&amp;#39;``
    becomes ``&#39;``, and ``&#38;lt;`` becomes ``&lt;``."""
    out = expr
    for entity, char in _NAMED.items():
        out = f"replace({out}, {_literal(entity)}, {_literal(char)})"
    # numeric entities: each distinct one found in the value, replaced in turn
    dec = (
        f"list_reduce(list_prepend({out}, list_distinct(regexp_extract_all({out}, '&#([0-9]{{1,7}});', 1))), "
        "lambda acc, n: replace(acc, '&#' || n || ';', coalesce(try(chr(n::INTEGER)), '&#' || n || ';')))"
    )
    dec = f"CASE WHEN contains({out}, '&#') THEN {dec} ELSE {out} END"
    hexa = (
        f"list_reduce(list_prepend({dec}, list_distinct(regexp_extract_all({dec}, '&#[xX]([0-9a-fA-F]{{1,6}});', 1))), "
        "lambda acc, n: regexp_replace(acc, '&#[xX]' || n || ';', "
        "coalesce(try(chr(('0x' || n)::INTEGER)), '&#x' || n || ';'), 'g'))"
    )
    hexa = f"CASE WHEN regexp_matches({dec}, '&#[xX]') THEN {hexa} ELSE {dec} END"
    return f"replace({hexa}, '&amp;', '&')"


def html_to_text(expr: str) -> str:
    """An HTML fragment (a Mastodon post's ``content``) as the text a reader sees: paragraphs
    and line breaks kept as newlines, every tag dropped, entities decoded once."""
    breaks = f"regexp_replace({expr}, '(?i)<br\\s*/?>', chr(10), 'g')"
    paras = f"regexp_replace({breaks}, '(?i)</p>\\s*<p[^>]*>', chr(10) || chr(10), 'g')"
    # a long link is cut into visible and invisible spans: with the tags gone it is whole again
    tags = f"regexp_replace({paras}, '<[^>]*>', '', 'g')"
    return f"trim({decode_entities(tags)})"


#: Letters and digits in any script, as RE2 writes them.
_WORD = r"[\p{L}\p{N}_]"

HASHTAG_PATTERN = r"(?:^|[^\p{L}\p{N}_&/])#(" + _WORD + "+)"
MENTION_PATTERN = r"(?:^|[^\p{L}\p{N}_])@([A-Za-z0-9_]{1,50})"
URL_PATTERN = r"""https?://[^\s<>"]*[^\s<>".,;:!?)\]]"""


def hashtags_from(text: str) -> str:
    return f"list_distinct(regexp_extract_all({text}, {_literal(HASHTAG_PATTERN)}, 1))"


def mentions_from(text: str) -> str:
    return f"list_distinct(regexp_extract_all({text}, {_literal(MENTION_PATTERN)}, 1))"


def urls_from(text: str) -> str:
    return f"list_distinct(regexp_extract_all({text}, {_literal(URL_PATTERN)}, 0))"


# ---- dates ---------------------------------------------------------------------------------

_ZONE = r"(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)"
_CLOCK = r"(?:[T ,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?)?"

#: Year first: ISO 8601 with or without T, offsets with or without colon, 2015/02/24.
P_YMD = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _CLOCK + r"\s*" + _ZONE + "?$"
#: Day or month first, numbers only (24/02/2015, 2/24/15 9:05 PM, 24.02.2015 11:35).
P_DMY = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _CLOCK + r"\s*" + _ZONE + "?$"
#: A month's name after the day: 24 Feb 2015, 24-Feb-2015 11:35PM, Tuesday 24 February 2015.
P_NAMED_DMY = (
    r"^(?:[A-Za-z]+,?\s+)?(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ ,-]+(\d{4})" + _CLOCK + r"\s*" + _ZONE + "?$"
)
#: A month's name before the day: Feb 24, 2015 11:35 AM, Tuesday, February 24, 2015.
P_NAMED_MDY = (
    r"^(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})"
    + _CLOCK
    + r"\s*"
    + _ZONE
    + "?$"
)
#: Twitter's own: Tue Feb 24 11:35:52 +0000 2015.
P_TWITTER = r"^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})()() ([+-]\d{4}) (\d{4})$"
P_NUMBER = r"^\d{1,14}(?:\.\d+)?$"

_CLOCK_NAMES = ["H", "Mi", "S", "f", "ap", "tz"]
_MONTHS = "['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']"

#: Numbers read as spreadsheet serial days (Excel's 1899-12-30 epoch) lie between these; Unix
#: seconds from 1973 on are larger, milliseconds larger still.
SERIAL_MIN, SERIAL_MAX = 20000, 80000


#: Cheap tests of a value's first characters that say which forms it may have, so that each
#: row runs only the patterns that can match it.
_GUARDS = {
    "_ymd": r"^\d{4}[-/.]",
    "_dmy": r"^\d{1,2}[-/.]\d",
    "_ndmy": r"^(?:[A-Za-z]+,?\s+)?\d{1,2}[ -][A-Za-z]",
    "_nmdy": r"^[A-Za-z]",
    "_tw": r"^[A-Za-z]{3} [A-Za-z]{3} ",
}


def date_parts(value: str) -> dict[str, str]:
    """The struct columns a date value splits into, one per form (computed once per row)."""
    parts = {
        "_ymd": f"regexp_extract({value}, {_literal(P_YMD)}, {['y', 'mo', 'd', *_CLOCK_NAMES]})",
        "_dmy": f"regexp_extract({value}, {_literal(P_DMY)}, {['a', 'b', 'y', *_CLOCK_NAMES]})",
        "_ndmy": f"regexp_extract({value}, {_literal(P_NAMED_DMY)}, {['d', 'mon', 'y', *_CLOCK_NAMES]})",
        "_nmdy": f"regexp_extract({value}, {_literal(P_NAMED_MDY)}, {['mon', 'd', 'y', *_CLOCK_NAMES]})",
        "_tw": f"regexp_extract({value}, {_literal(P_TWITTER)}, ['mon', 'd', 'H', 'Mi', 'S', 'f', 'ap', 'tz', 'y'])",
    }
    out = {
        name: f"CASE WHEN regexp_matches({value}, {_literal(_GUARDS[name])}) THEN {expr} END"
        for name, expr in parts.items()
    }
    out["_num"] = (
        f"CASE WHEN regexp_matches({value}, {_literal(P_NUMBER)}) THEN TRY_CAST({value} AS DOUBLE) END"
    )
    return out


def _int(expr: str) -> str:
    return f"TRY_CAST(nullif({expr}, '') AS INTEGER)"


def _month(name: str) -> str:
    return f"nullif(list_position({_MONTHS}, lower(left({name}, 3))), 0)"


def _local(y: str, mo: str, d: str, p: str) -> str:
    """A zone-less TIMESTAMP from parts (NULL if they make no real time)."""
    h = _int(f"{p}.H")
    hour = f"""CASE WHEN {p}.ap = '' THEN coalesce({h}, 0)
                    WHEN {h} BETWEEN 1 AND 12 THEN {h} % 12 + CASE WHEN upper(left({p}.ap, 1)) = 'P' THEN 12 ELSE 0 END
               END"""
    secs = f"coalesce({_int(f'{p}.S')}, 0) + coalesce(TRY_CAST('0.' || nullif({p}.f, '') AS DOUBLE), 0)"
    return f"try(make_timestamp({y}, {mo}, {d}, {hour}, coalesce({_int(f'{p}.Mi')}, 0), {secs}))"


def _offset_minutes(tz: str) -> str:
    """Minutes east of UTC for an offset written in the value (NULL if it is no real offset:
    more than 14 hours, or 60 minutes or more, as in ``+9999``)."""
    parts = f"regexp_extract({tz}, '^([+-])(\\d{{1,2}}):?(\\d{{2}})?$', ['s', 'h', 'm'])"
    h, m = _int(f"{parts}.h"), f"coalesce({_int(f'{parts}.m')}, 0)"
    return f"""CASE WHEN {tz} IN ('Z', 'UTC', 'GMT') THEN 0
                    WHEN {h} <= 14 AND {m} < 60
                        THEN (CASE WHEN {parts}.s = '-' THEN -1 ELSE 1 END) * ({h} * 60 + {m})
               END"""


def _in_zone(local: str, tz: str) -> str:
    """UTC from a local time and its written offset, or the import's zone (``$zone``)."""
    return f"""CASE WHEN {tz} = '' THEN timezone($zone, {local})::TIMESTAMP
                    ELSE {local} - to_minutes({_offset_minutes(tz)}) END"""


def _year(y: str) -> str:
    # two-digit years in posts are this century's
    return f"CASE WHEN length({y}) = 2 THEN 2000 + {_int(y)} ELSE {_int(y)} END"


def parsed_time(dayfirst: bool | None) -> str:
    """The UTC time of a value split by :func:`date_parts` (columns ``_ymd`` … ``_num``).

    ``dayfirst`` says how 03/04/2015 reads, decided for the whole column beforehand (None: the
    column has no such values). Times without a zone are read in the query parameter
    ``$zone``; numbers are Unix seconds or milliseconds (UTC), or spreadsheet serial days
    (local, like any spreadsheet time)."""
    day, month = ("_dmy.a", "_dmy.b") if dayfirst else ("_dmy.b", "_dmy.a")
    serial = (
        "timezone($zone, TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(_num * 86400000000) AS BIGINT)))"
        "::TIMESTAMP"
    )
    return f"""CASE
        WHEN coalesce(_ymd.y, '') <> '' THEN {_in_zone(_local(_int("_ymd.y"), _int("_ymd.mo"), _int("_ymd.d"), "_ymd"), "_ymd.tz")}
        WHEN coalesce(_dmy.y, '') <> '' THEN {_in_zone(_local(_year("_dmy.y"), _int(month), _int(day), "_dmy"), "_dmy.tz")}
        WHEN coalesce(_ndmy.y, '') <> '' THEN {_in_zone(_local(_int("_ndmy.y"), _month("_ndmy.mon"), _int("_ndmy.d"), "_ndmy"), "_ndmy.tz")}
        WHEN coalesce(_nmdy.y, '') <> '' THEN {_in_zone(_local(_int("_nmdy.y"), _month("_nmdy.mon"), _int("_nmdy.d"), "_nmdy"), "_nmdy.tz")}
        WHEN coalesce(_tw.y, '') <> '' THEN {_in_zone(_local(_int("_tw.y"), _month("_tw.mon"), _int("_tw.d"), "_tw"), "_tw.tz")}
        WHEN _num BETWEEN {SERIAL_MIN} AND {SERIAL_MAX} THEN {serial}
        WHEN _num >= 100000000000 THEN try(to_timestamp(_num / 1000))::TIMESTAMP
        WHEN _num >= 100000000 THEN try(to_timestamp(_num))::TIMESTAMP
    END"""


def time_problem() -> str:
    """Why a value did not give a time (the first that applies), for a rejection."""
    zones = " ".join(
        f"WHEN {p}.y <> '' AND {p}.tz <> '' AND ({_offset_minutes(f'{p}.tz')}) IS NULL "
        "THEN 'an impossible UTC offset'"
        for p in ("_ymd", "_dmy", "_ndmy", "_nmdy", "_tw")
    )
    return f"""CASE
        WHEN _t IS NULL THEN 'no date'
        {zones}
        WHEN _ymd.y <> '' OR _dmy.y <> '' OR _ndmy.y <> '' OR _nmdy.y <> '' OR _tw.y <> ''
            THEN 'not a real date or time'
        WHEN _num IS NOT NULL THEN 'a number that is not a date'
        ELSE 'a date in a form the app does not read'
    END"""


def zoneless() -> str:
    """True where the value carries no zone of its own (so ``$zone`` decides)."""
    return (
        """(_ymd.y <> '' AND _ymd.tz = '') OR (_dmy.y <> '' AND _dmy.tz = '')
              OR (_ndmy.y <> '' AND _ndmy.tz = '') OR (_nmdy.y <> '' AND _nmdy.tz = '')
              OR (_num BETWEEN """
        + f"{SERIAL_MIN} AND {SERIAL_MAX})"
    )


def date_survey(table: str, value: str) -> str:
    """One row about a column of dates, for deciding how to read it: how many values, how
    many day/month-ambiguous ones and the largest first and second numbers among them, how
    many carry no zone, and the first example of each. ``value`` is an expression over
    ``table`` (a trusted temp name with a ``line_no`` column)."""
    parts = ", ".join(f"{expr} AS {name}" for name, expr in date_parts("_t").items())
    return f"""
        SELECT count(_t),
               count(*) FILTER (_dmy.y <> ''),
               max(TRY_CAST(_dmy.a AS INTEGER)), max(TRY_CAST(_dmy.b AS INTEGER)),
               count(*) FILTER ({zoneless()}),
               arg_min(_t, line_no) FILTER (_dmy.y <> '' AND _dmy.a <> _dmy.b),
               arg_min(_t, line_no) FILTER ({zoneless()}),
               count(*) FILTER (_dmy.y <> '' AND TRY_CAST(_dmy.a AS INTEGER) > 12),
               count(*) FILTER (_dmy.y <> '' AND TRY_CAST(_dmy.b AS INTEGER) > 12),
               count(*) FILTER (_dmy.y <> '' AND _dmy.a <> _dmy.b)
        FROM (SELECT line_no, _t, {parts} FROM (SELECT line_no, nullif(trim({value}), '') AS _t FROM {table}))
    """
