"""The SQL that reads tables of posts (CSV, TSV, a workbook's sheet) into the staging table.

A table file is read in three steps, each one query over the whole file (no Python per row):

1. :func:`read_rows` reads every cell as text into ``itx_table_raw`` with the row's position
   in the file, the rows the CSV reader itself cannot parse set aside (read_csv's rejects).
2. :func:`ingest_text_sql.date_survey` looks at the date column as a whole, so that the
   importer decides once for the column whether 03/04/2015 is day or month first.
3. :func:`stage_table` maps columns onto post fields (a known export's own mapping, or the
   user's) and writes one row per record with its verdict.

Column names come from the file: they reach the SQL only as quoted identifiers
(:func:`quote_ident`). File paths, the time zone and the label maps go in as parameters.
"""

from __future__ import annotations

from app.core.store.ingest_sql import POST_COLUMNS, RT_PREFIX, select_posts
from app.core.store.ingest_text_sql import (
    date_parts,
    decode_entities,
    hashtags_from,
    mentions_from,
    parsed_time,
    time_problem,
    urls_from,
)

RAW = "itx_table_raw"
REJECTS_TABLE = "itx_csv_reject_errors"
SCANS_TABLE = "itx_csv_reject_scans"
LABEL_MAP = "itx_label_map"
VENDOR_SENTIMENT_MAP = "itx_vendor_sentiment_map"

#: Fields a column can be mapped onto besides the posts columns: where a post's id can come
#: from (its address), the time of day when a file keeps it apart from the date, and the
#: human sentiment label of the post.
EXTRA_FIELDS = ("time_of_day", "human_label")
# (a referenced author's followers come from the platforms' own formats only)
MAPPABLE_FIELDS = [c for c in POST_COLUMNS if c not in ("text_key", "ref_author_followers")] + list(
    EXTRA_FIELDS
)

_DELIMITERS = {",", ";", "\t", "|"}
_ENCODINGS = {"utf-8", "utf-16"}
_COMPRESSIONS = {"none", "gzip", "zstd"}


def quote_ident(name: str) -> str:
    """A column name as a SQL identifier: the one safe way to put a user's column in a query."""
    return '"' + name.replace('"', '""') + '"'


def read_rows(delimiter: str, skip: int, encoding: str) -> str:
    """Every cell as text, one row per record, and ``rec_no`` (1 for the first record after
    the header). Parameters ``$path``, ``$compression``. The detector's findings are checked
    against closed sets before they reach the query text."""
    if delimiter not in _DELIMITERS or encoding not in _ENCODINGS or not isinstance(skip, int) or skip < 0:
        raise ValueError("not a table layout the reader knows")
    delim = "\\t" if delimiter == "\t" else delimiter
    return f"""
        CREATE TEMP TABLE {RAW} AS
        SELECT row_number() OVER () AS rec_no, *
        FROM read_csv($path, header = true, all_varchar = true, compression = $compression,
                      delim = E'{delim}', quote = '"', escape = '"', skip = {skip},
                      encoding = '{encoding}', ignore_errors = true, store_rejects = true,
                      rejects_table = '{REJECTS_TABLE}', rejects_scan = '{SCANS_TABLE}',
                      max_line_size = 33554432, buffer_size = 67108864, null_padding = false)
    """


#: The rows the CSV reader could not parse: their record number (header = 1) and why, once a
#: row (the reader stores an error per missing or extra cell: a short row is many errors).
READER_REJECTS = f"SELECT line, min(error_type) FROM {REJECTS_TABLE} GROUP BY line ORDER BY line"

#: A row's position in the file for the user: the reader's record number of each kept row
#: comes back by counting the rejected records before it. Parameter ``$first`` is the number
#: the header row has (1, or more after title rows), ``$rejected`` the rejected records'
#: numbers (ascending, header = 1).
ADD_POSITIONS = f"""
    CREATE TEMP TABLE itx_table_rows AS
    WITH rej AS (
        SELECT t, max(j) AS n FROM (
            SELECT unnest($rejected::BIGINT[]) - $first - unnest(range(1, len($rejected::BIGINT[]) + 1)) AS t,
                   unnest(range(1, len($rejected::BIGINT[]) + 1)) AS j
        ) GROUP BY t
    )
    SELECT r.*, r.rec_no + $first + coalesce(x.n, 0) AS line_no
    FROM {RAW} r ASOF LEFT JOIN rej x ON r.rec_no > x.t
"""

ROWS = "itx_table_rows"

#: The columns of the rows read, as the reader named them.
RAW_COLUMNS = f"SELECT column_name FROM (DESCRIBE {RAW})"


def scientific_ids(column: str) -> str:
    """Ids a spreadsheet rewrote as numbers (5.70306E+17, 570306000000000000.0): how many,
    and the first one with its position."""
    c = quote_ident(column)
    return f"""
        SELECT count(*), arg_min({c}, line_no), min(line_no)
        FROM {ROWS}
        WHERE regexp_matches(trim({c}), '^[0-9.,]+[eE][+]?[0-9]+$|^[0-9]+[.,]0+$')
    """


def rounded_ids(column: str) -> str:
    """Long numeric ids, and how many of them end in 000: a spreadsheet keeps 15 digits of a
    number, so the ids of posts (18 or 19 digits) lose their last digits to zeros."""
    c = quote_ident(column)
    return f"""
        SELECT count(*), count(*) FILTER (right(trim({c}), 3) = '000')
        FROM {ROWS} WHERE regexp_matches(trim({c}), '^[0-9]{{16,}}$')
    """


def add_missing_column(name: str) -> str:
    """A column a known export may leave out, added empty (its field is then unknown)."""
    return f"ALTER TABLE {ROWS} ADD COLUMN {quote_ident(name)} VARCHAR"


def insert_reader_rejects(stage: str) -> str:
    """The rows the CSV reader could not parse, as rejections. Parameters: line, verdict."""
    return f"INSERT INTO {stage} (line_no, verdict) VALUES (?, ?)"


def insert_value_map(table: str) -> str:
    return f"INSERT INTO {table} VALUES (?, ?, ?)"


def distinct_values(column: str) -> str:
    return f"SELECT DISTINCT trim({quote_ident(column)}) FROM {ROWS} WHERE nullif(trim({quote_ident(column)}), '') IS NOT NULL"


def create_value_map(table: str) -> str:
    return f"CREATE OR REPLACE TEMP TABLE {table} (raw VARCHAR PRIMARY KEY, label VARCHAR, problem VARCHAR)"


# ---- the fields ----------------------------------------------------------------------------


def _blank(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def _split(expr: str, pattern: str, strip: str = "") -> str:
    items = f"regexp_split_to_array({_blank(expr)}, '{pattern}')"
    items = f"list_transform({items}, lambda v: ltrim(trim(v), '{strip}'))" if strip else items
    return f"coalesce(list_filter({items}, lambda v: v IS NOT NULL AND trim(v) <> ''), [])"


def _json_strings(expr: str, strip: str = "") -> str:
    """A cell holding a JSON list of strings (twarc-csv: ``["#tag", ...]``) -> a list."""
    items = f"try(from_json({_blank(expr)}, '[\"VARCHAR\"]'))"
    items = f"list_transform({items}, lambda v: ltrim(v, '{strip}'))" if strip else items
    return f"coalesce(list_filter({items}, lambda v: v IS NOT NULL AND v <> ''), [])"


def _number(expr: str) -> str:
    # "1,234" and "1234.0" as spreadsheets write counts; anything else unknown
    return f"TRY_CAST(TRY_CAST(replace({_blank(expr)}, ',', '') AS DOUBLE) AS BIGINT)"


_KIND_WORDS = {
    "post": "post",
    "original": "post",
    "tweet": "post",
    "update": "post",
    "retweet": "retweet",
    "rt": "retweet",
    "repost": "retweet",
    "share": "retweet",
    "reblog": "retweet",
    "boost": "retweet",
    "quote": "quote",
    "quote tweet": "quote",
    "reply": "reply",
    "comment": "reply",
}

#: A post's address -> (platform, id): X/Twitter status links, Bluesky post links, Mastodon's
#: (the web link /@user/123 or the ActivityPub URI /users/user/statuses/123; Mastodon ids are
#: per server, so the address itself is the id, as in a Mastodon archive).
_URL_TWITTER = r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:[^/]+|i/web)/status(?:es)?/([0-9]+)"
_URL_BLUESKY = r"^https?://bsky\.app/profile/([^/]+)/post/([A-Za-z0-9]+)"
_URL_AUTHOR = r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]+)/status"
_URL_MASTODON = r"^https?://[^/]+/(?:@[^/]+|users/[^/]+/statuses)/([0-9]+)"


def id_from_url(url: str) -> str:
    u = _blank(url)
    return f"""CASE WHEN regexp_matches({u}, '{_URL_TWITTER}') THEN regexp_extract({u}, '{_URL_TWITTER}', 1)
                    WHEN regexp_matches({u}, '{_URL_BLUESKY}')
                        THEN regexp_extract({u}, '{_URL_BLUESKY}', 1) || '/post/' || regexp_extract({u}, '{_URL_BLUESKY}', 2)
                    WHEN regexp_matches({u}, '{_URL_MASTODON}') THEN split_part({u}, '?', 1) END"""


def platform_from_url(url: str) -> str:
    u = _blank(url)
    return f"""CASE WHEN regexp_matches({u}, '{_URL_TWITTER}') THEN 'twitter'
                    WHEN regexp_matches({u}, '{_URL_BLUESKY}') THEN 'bluesky'
                    WHEN regexp_matches({u}, '{_URL_MASTODON}') THEN 'mastodon' END"""


_NETWORKS = (
    "twitter", "bluesky", "mastodon", "facebook", "instagram", "reddit", "youtube", "tiktok",
    "linkedin", "threads", "tumblr", "pinterest", "twitch", "vk", "weibo", "telegram",
)  # fmt: skip


def platform_name(expr: str) -> str:
    """A platform as exports write it (X, Twitter, SOCIALMEDIA_TWITTER, twitter.com) -> the
    app's name for the network; news sites, blogs and forums, which each tool names its own
    way ("news", "Online News", ONLINENEWS), are all ``web``, so that one article exported by
    two tools is one post."""
    v = f"lower({_blank(expr)})"
    cases = " ".join(f"WHEN contains({v}, '{n}') THEN '{n}'" for n in _NETWORKS if n != "twitter")
    return f"""CASE WHEN {v} IS NULL THEN NULL
                    WHEN {v} IN ('x', 'x.com') OR contains({v}, 'twitter') THEN 'twitter'
                    WHEN contains({v}, 'bsky') THEN 'bluesky'
                    {cases}
                    ELSE 'web' END"""


def table_fields(columns: dict[str, str], text_is_html_escaped: bool = True) -> dict[str, str]:
    """Post fields from a mapping field -> column (the file's own name). Fields without a
    column are unknown (NULL), or taken from the text (hashtags, mentions, links) or the
    address (id, platform) where those say it. ``_t`` is the date value (see
    :func:`stage_table`)."""
    col = {
        f: quote_ident(c)
        if isinstance(c, str)
        else "coalesce(" + ", ".join(_blank(quote_ident(x)) for x in c) + ")"
        for f, c in columns.items()
    }
    # the decoded text is computed once per row (see stage_table) and used by name below
    source_text = decode_entities(_blank(col["text"])) if text_is_html_escaped else _blank(col["text"])
    text = "_text"
    url = col.get("post_url")
    rt_text = f"regexp_matches({text}, {RT_PREFIX})"
    f: dict[str, str] = {}
    id_col = f"{_blank(col['post_id'])}::VARCHAR" if "post_id" in col else "NULL::VARCHAR"
    # a post on a site without ids of its own (a news article) is known by its address
    f["post_id"] = f"coalesce({id_col}, {id_from_url(url)}, {_blank(url)})" if url else id_col
    from_url = platform_from_url(url) if url else "NULL"
    f["platform"] = (
        f"coalesce({platform_name(col['platform'])}, {from_url}, 'twitter')"
        if "platform" in col
        else f"coalesce({from_url}, 'twitter')"
    )
    # a retweet written "RT @x: …" keeps the original's text, as in every other format
    f["text"] = f"CASE WHEN {rt_text} THEN regexp_replace({text}, {RT_PREFIX}, '') ELSE {text} END"
    if "kind" in col:
        words = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _KIND_WORDS.items())
        f["kind"] = (
            f"coalesce(CASE lower(trim({col['kind']})) {words} END, CASE WHEN {rt_text} THEN 'retweet' END, 'post')"
        )
    else:
        # a file without a kind column still tells a retweet by its "RT @x: " text
        f["kind"] = f"CASE WHEN {rt_text} THEN 'retweet' ELSE 'post' END"
    for field in (
        "author_followers",
        "retweet_count",
        "like_count",
        "reply_count",
        "quote_count",
        "vendor_reach",
    ):
        f[field] = _number(col[field]) if field in col else "NULL::BIGINT"
    for field, pattern in (("hashtags", hashtags_from), ("mentions", mentions_from), ("urls", urls_from)):
        if field in col:
            sep = r"[|,;\s]+"
            f[field] = _split(col[field], sep, strip="#@" if field != "urls" else "")
        else:
            f[field] = f"coalesce({pattern(text)}, [])"
    f["author_handle"] = f"ltrim({_blank(col['author_handle'])}, '@')" if "author_handle" in col else "NULL"
    rt_author = f"regexp_extract({text}, {RT_PREFIX}, 1)"
    f["ref_author_handle"] = (
        f"coalesce(ltrim({_blank(col['ref_author_handle'])}, '@'), CASE WHEN {rt_text} THEN {rt_author} END)"
        if "ref_author_handle" in col
        else f"CASE WHEN {rt_text} THEN {rt_author} END"
    )
    ref = col.get("ref_post_id")
    f["ref_post_id"] = f"coalesce({id_from_url(ref)}, {_blank(ref)})" if ref else "NULL::VARCHAR"
    if ref:  # the author of what it replies to or retweets, from that post's address
        ref_author = f"nullif(regexp_extract({_blank(ref)}, '{_URL_AUTHOR}', 1), '')"
        f["ref_author_handle"] = f"coalesce({f['ref_author_handle']}, {ref_author})"
    for field in ("author_id", "author_name", "ref_text", "lang", "post_url"):
        f[field] = f"{_blank(col[field])}::VARCHAR" if field in col else "NULL::VARCHAR"
    f["vendor_sentiment"] = "_vs_label"
    f["_text"] = source_text
    return f


def _kind_and_refs(refs: list[tuple[str, str, str]]) -> dict[str, str]:
    """kind, ref_post_id and ref_author_handle from a CSV's "points to" columns: (the id
    column, the kind it makes, its author column), the first filled one wins."""
    return {
        "kind": "CASE "
        + " ".join(f"WHEN {c} IS NOT NULL THEN '{k}'" for c, k, _ in refs)
        + " ELSE 'post' END",
        "ref_post_id": "CASE " + " ".join(f"WHEN {c} IS NOT NULL THEN {c}" for c, _, _ in refs) + " END",
        "ref_author_handle": "CASE "
        + " ".join(f"WHEN {c} IS NOT NULL THEN {u}" for c, _, u in refs)
        + " END",
    }


def twarc_csv_fields() -> dict[str, str]:
    """twarc-csv's columns (``twarc2 csv``): v2 field paths joined with dots."""
    q = quote_ident
    text = decode_entities(f"replace({q('text')}, '\\n', chr(10))")

    def ref(kind: str, user: str) -> tuple[str, str, str]:
        return (
            _blank(q(f"referenced_tweets.{kind}.id")),
            kind.replace("retweeted", "retweet").replace("quoted", "quote").replace("replied_to", "reply"),
            _blank(q(user)),
        )

    refs = [
        ref("retweeted", "retweeted_username"),
        ref("quoted", "quoted_username"),
        ref("replied_to", "in_reply_to_username"),
    ]
    return {
        "platform": "'twitter'",
        "post_id": q("id"),
        "author_id": q("author_id"),
        "author_handle": q("author.username"),
        "author_name": q("author.name"),
        "author_followers": _number(q("author.public_metrics.followers_count")),
        # twarc-csv writes the API's text HTML-escaped, and every newline as the two characters \n
        "text": text,
        **_kind_and_refs(refs),
        "ref_text": "NULL::VARCHAR",
        "lang": q("lang"),
        "retweet_count": _number(q("public_metrics.retweet_count")),
        "like_count": _number(q("public_metrics.like_count")),
        "reply_count": _number(q("public_metrics.reply_count")),
        "quote_count": _number(q("public_metrics.quote_count")),
        "hashtags": _json_strings(q("entities.hashtags"), "#"),
        "mentions": _json_strings(q("entities.mentions"), "@"),
        "urls": _json_strings(q("entities.urls")),
        "post_url": "NULL::VARCHAR",
        "vendor_sentiment": "NULL::VARCHAR",
        "vendor_reach": "NULL::BIGINT",
    }


def twitwi_csv_fields() -> dict[str, str]:
    """The flat tweet CSV of twitwi / minet / gazouilloire (``timestamp_utc``, ``user_*``)."""
    q = quote_ident
    refs = [
        (_blank(q("retweeted_id")), "retweet", _blank(q("retweeted_user"))),
        (_blank(q("quoted_id")), "quote", _blank(q("quoted_user"))),
        (_blank(q("to_tweetid")), "reply", _blank(q("to_username"))),
    ]
    return {
        "platform": "'twitter'",
        "post_id": q("id"),
        "author_id": q("user_id"),
        "author_handle": q("user_screen_name"),
        "author_name": q("user_name"),
        "author_followers": _number(q("user_followers")),
        # twitwi already decodes entities and writes a retweet as "RT @x: " + its full text
        "text": f"""CASE WHEN {refs[0][0]} IS NOT NULL
                         THEN regexp_replace({q("text")}, {RT_PREFIX}, '') ELSE {q("text")} END""",
        **_kind_and_refs(refs),
        "ref_text": "NULL::VARCHAR",
        "lang": q("lang"),
        "retweet_count": _number(q("retweet_count")),
        "like_count": _number(q("like_count")),
        "reply_count": _number(q("reply_count")),
        "quote_count": "NULL::BIGINT",
        "hashtags": _split(q("hashtags"), r"\|"),
        "mentions": _split(q("mentioned_names"), r"\|"),
        "urls": _split(q("links"), r"\|"),
        "post_url": "NULL::VARCHAR",
        "vendor_sentiment": "NULL::VARCHAR",
        "vendor_reach": "NULL::BIGINT",
    }


def stage_table(
    stage: str,
    fields: dict[str, str],
    date_value: str,
    dayfirst: bool | None,
    human_label: str | None = None,
    vendor_sentiment: str | None = None,
) -> str:
    """Fill ``stage`` from the rows read. ``date_value`` is the expression of the date (one
    column, or a date and a time column joined); ``human_label`` and ``vendor_sentiment`` name
    the columns read through the label maps. Parameter ``$zone``."""
    joins = ""
    label = "NULL::VARCHAR AS human_label, NULL::VARCHAR AS _label_problem, NULL::VARCHAR AS _label_raw"
    if human_label:
        c = quote_ident(human_label)
        joins += f" LEFT JOIN {LABEL_MAP} hl ON hl.raw = trim(r.{c})"
        label = f"hl.label AS human_label, hl.problem AS _label_problem, trim(r.{c}) AS _label_raw"
    if vendor_sentiment:
        joins += f" LEFT JOIN {VENDOR_SENTIMENT_MAP} vs ON vs.raw = trim(r.{quote_ident(vendor_sentiment)})"
    parts = ", ".join(f"{expr} AS {name}" for name, expr in date_parts("_t").items())
    fields = dict(fields)
    text_once = fields.pop("_text", "NULL::VARCHAR")
    return f"""
        CREATE TEMP TABLE {stage} AS
        SELECT line_no,
               CASE WHEN post_id IS NULL OR post_id = '' THEN 'reject:no post id'
                    WHEN created_at IS NULL THEN 'reject:' || _why
                    WHEN text IS NULL THEN 'reject:no text'
                    WHEN _label_problem IS NOT NULL THEN 'reject:not a sentiment label'
               END AS verdict,
               CASE WHEN created_at IS NULL THEN _t
                    WHEN _label_problem IS NOT NULL THEN _label_raw END AS raw_value,
               _t AS raw_time,
               * EXCLUDE (line_no, _why, _t, _label_problem, _label_raw)
        FROM (
            SELECT line_no, {select_posts({**fields, "created_at": "_created"})}, human_label, _label_problem, _label_raw,
                   {time_problem()} AS _why, _t
            FROM (
                SELECT *, {parsed_time(dayfirst)} AS _created
                FROM (
                    SELECT r.*, {label}, {_vs_select(vendor_sentiment)}, _t, {parts}, {text_once} AS _text
                    FROM (SELECT *, nullif(trim({date_value}), '') AS _t FROM {ROWS}) r {joins}
                )
            )
        )
    """


def _vs_select(vendor_sentiment: str | None) -> str:
    return "vs.label AS _vs_label" if vendor_sentiment else "NULL::VARCHAR AS _vs_label"
