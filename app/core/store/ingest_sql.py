"""The SQL that turns archive files into rows of ``posts``, one staging query per format.

Every format is staged the same way: a query reads the file with DuckDB's own readers and
produces, per record, the columns of ``posts`` plus ``line_no`` (where the record sits in the
file) and ``verdict``: NULL for a post to keep, ``'skip:<what>'`` for a record that is not a
post (a deletion notice), ``'reject:<why>'`` for a damaged one. :data:`FINISH_INSERT` then adds
the kept rows that the workspace does not have yet.

Only constants of this module are spliced into the SQL text (struct shapes, the reader's
options); file paths, account names and user-chosen CSV columns go in as parameters or as
quoted identifiers (:func:`quote_ident`).
"""

from __future__ import annotations

import json

# ---- shared pieces ------------------------------------------------------------------------

#: The columns a staging query yields, in the order ``posts`` declares them (bar the two
#: the importer adds itself: ``text_key`` and ``import_id``).
POST_COLUMNS = [
    "platform",
    "post_id",
    "created_at",
    "author_id",
    "author_handle",
    "author_name",
    "author_followers",
    "text",
    "kind",
    "ref_post_id",
    "ref_author_handle",
    "ref_text",
    "lang",
    "retweet_count",
    "like_count",
    "reply_count",
    "quote_count",
    "hashtags",
    "mentions",
    "urls",
]

# A byte that never occurs in a JSON text (control characters must be escaped there), so
# read_csv with it as the delimiter hands over each line whole.
_NO_DELIMITER = chr(1)

#: One row per line of a text file (gzip or plain): ``line_no``, ``line``. Parameters: path,
#: compression ('gzip' or 'none').
LINES = f"""
    SELECT row_number() OVER () AS line_no, line
    FROM read_csv(?, columns = {{'line': 'VARCHAR'}}, delim = '{_NO_DELIMITER}', quote = '',
                  escape = '', header = false, auto_detect = false, strict_mode = false,
                  max_line_size = 33554432, buffer_size = 67108864, compression = ?)
"""

#: One row per element of a JSON array file: ``line_no`` (the element's number), ``line``.
#: Parameters: path (or a list of paths), compression.
ARRAY_ELEMENTS = """
    SELECT row_number() OVER () AS line_no, json::VARCHAR AS line
    FROM read_json_objects(?, format = 'array', compression = ?, maximum_object_size = 268435456)
"""

#: One row per JSON document of a file holding one or more (pretty-printed) documents.
#: Parameters: path, compression.
DOCUMENTS = """
    SELECT row_number() OVER () AS line_no, json::VARCHAR AS line
    FROM read_json_objects(?, format = 'auto', compression = ?, maximum_object_size = 1073741824)
"""

#: One row per status of search responses ``{"statuses": [...]}`` (one or several in a file).
#: Parameters: path, compression.
SEARCH_STATUSES = """
    SELECT row_number() OVER () AS line_no, status::VARCHAR AS line
    FROM (
        SELECT unnest(from_json(json, '{"statuses": ["JSON"]}').statuses) AS status
        FROM read_json_objects(?, format = 'auto', compression = ?, maximum_object_size = 1073741824)
    )
"""


def _unescape(expr: str) -> str:
    """Decode the three entities Twitter escapes, once: ``&amp;lt;`` stays ``&lt;``."""
    return f"replace(replace(replace({expr}, '&lt;', '<'), '&gt;', '>'), '&amp;', '&')"


def _pluck(expr: str, field: str) -> str:
    """A list of structs -> the list of one of their fields, without NULLs; [] when absent."""
    return (
        f"coalesce(list_filter(list_transform({expr}, lambda e: e.{field}), "
        f"lambda v: v IS NOT NULL AND v <> ''), [])"
    )


def _count(expr: str) -> str:
    return f"TRY_CAST({expr} AS BIGINT)"


def _verdict(extra_skips: str = "") -> str:
    """Reasons a staged record is not a post, checked in order; NULL keeps it."""
    return f"""
        CASE
            WHEN rec IS NULL AND json_valid(line) THEN 'reject:not a post record'
            WHEN rec IS NULL THEN 'reject:not valid JSON (the line is cut off or damaged)'
            {extra_skips}
            WHEN post_id IS NULL OR post_id = '' THEN 'reject:no post id'
            WHEN created_at IS NULL THEN 'reject:no readable date'
            WHEN text IS NULL THEN 'reject:no text'
        END
    """


def _select_posts(fields: dict[str, str]) -> str:
    return ",\n".join(f"{fields[c]} AS {c}" for c in POST_COLUMNS)


def _shape(obj: object) -> str:
    """A struct shape for from_json, as a SQL string literal (constants of this module only)."""
    return "'" + json.dumps(obj).replace("'", "''") + "'"


# ---- Twitter API v1.1 ----------------------------------------------------------------------

_V1_ENTITIES = {
    "hashtags": [{"text": "VARCHAR"}],
    "user_mentions": [{"screen_name": "VARCHAR"}],
    "urls": [{"expanded_url": "VARCHAR", "url": "VARCHAR"}],
}
_V1_USER = {
    "id_str": "VARCHAR",
    "id": "VARCHAR",
    "screen_name": "VARCHAR",
    "name": "VARCHAR",
    "followers_count": "BIGINT",
}
_V1_STATUS = {
    "id_str": "VARCHAR",
    "id": "VARCHAR",
    "created_at": "VARCHAR",
    "text": "VARCHAR",
    "full_text": "VARCHAR",
    "extended_tweet": {"full_text": "VARCHAR", "entities": _V1_ENTITIES},
    "entities": _V1_ENTITIES,
    "user": _V1_USER,
    "lang": "VARCHAR",
    "retweet_count": "VARCHAR",
    "favorite_count": "VARCHAR",
    "reply_count": "VARCHAR",
    "quote_count": "VARCHAR",
    "in_reply_to_status_id_str": "VARCHAR",
    "in_reply_to_screen_name": "VARCHAR",
    "quoted_status_id_str": "VARCHAR",
}
_V1_RECORD = {
    **_V1_STATUS,
    "retweeted_status": _V1_STATUS,
    "quoted_status": _V1_STATUS,
    # stream messages that are not statuses
    "delete": "JSON",
    "limit": "JSON",
    "scrub_geo": "JSON",
    "status_withheld": "JSON",
    "user_withheld": "JSON",
    "disconnect": "JSON",
    "warning": "JSON",
    "event": "JSON",
    "friends": "JSON",
}


def _v1_full_text(s: str) -> str:
    return f"coalesce({s}.extended_tweet.full_text, {s}.full_text, {s}.text)"


def _v1_entities(s: str, key: str) -> str:
    return f"coalesce({s}.extended_tweet.entities.{key}, {s}.entities.{key})"


def _v1_id(s: str) -> str:
    return f"coalesce({s}.id_str, {s}.id)"


def _v1_fields() -> dict[str, str]:
    rt, qt = "rec.retweeted_status", "rec.quoted_status"
    # For a retweet the top level holds the cut "RT @x: ..." form: text and entities come
    # from the original.
    src_text = f"CASE WHEN is_rt THEN {_v1_full_text(rt)} ELSE {_v1_full_text('rec')} END"

    def ent(key: str, field: str) -> str:
        return _pluck(
            f"CASE WHEN is_rt THEN {_v1_entities(rt, key)} ELSE {_v1_entities('rec', key)} END",
            field,
        )

    return {
        "platform": "'twitter'",
        "post_id": _v1_id("rec"),
        "created_at": "try_strptime(rec.created_at, '%a %b %d %H:%M:%S %z %Y')::TIMESTAMP",
        "author_id": "coalesce(rec.user.id_str, rec.user.id)",
        "author_handle": "rec.user.screen_name",
        "author_name": "rec.user.name",
        "author_followers": "rec.user.followers_count",
        "text": _unescape(src_text),
        "kind": f"""CASE WHEN is_rt THEN 'retweet'
                         WHEN coalesce(rec.quoted_status_id_str, {_v1_id(qt)}) IS NOT NULL THEN 'quote'
                         WHEN rec.in_reply_to_status_id_str IS NOT NULL THEN 'reply'
                         ELSE 'post' END""",
        "ref_post_id": f"""CASE WHEN is_rt THEN {_v1_id(rt)}
                                WHEN coalesce(rec.quoted_status_id_str, {_v1_id(qt)}) IS NOT NULL
                                    THEN coalesce(rec.quoted_status_id_str, {_v1_id(qt)})
                                ELSE rec.in_reply_to_status_id_str END""",
        "ref_author_handle": f"""CASE WHEN is_rt THEN {rt}.user.screen_name
                                      WHEN coalesce(rec.quoted_status_id_str, {_v1_id(qt)}) IS NOT NULL
                                          THEN {qt}.user.screen_name
                                      ELSE rec.in_reply_to_screen_name END""",
        "ref_text": f"""CASE WHEN NOT is_rt AND {_v1_id(qt)} IS NOT NULL
                             THEN {_unescape(_v1_full_text(qt))} END""",
        "lang": "rec.lang",
        "retweet_count": _count("rec.retweet_count"),
        "like_count": _count("rec.favorite_count"),
        "reply_count": _count("rec.reply_count"),
        "quote_count": _count("rec.quote_count"),
        "hashtags": ent("hashtags", "text"),
        "mentions": ent("user_mentions", "screen_name"),
        "urls": ent("urls", "expanded_url"),
    }


def stage_v1(source: str) -> str:
    """Stage v1.1 statuses from ``source`` (a query yielding ``line_no, line``)."""
    return f"""
        SELECT line_no, {
        _verdict('''
            WHEN rec."delete" IS NOT NULL THEN 'skip:deletion notices'
            WHEN rec."limit" IS NOT NULL THEN 'skip:rate-limit notices'
            WHEN coalesce(rec.scrub_geo, rec.status_withheld, rec.user_withheld, rec.disconnect,
                          rec.warning, rec.event, rec.friends) IS NOT NULL
                THEN 'skip:other stream messages'
        ''')
    } AS verdict, * EXCLUDE (line_no, line, rec, is_rt)
        FROM (
            SELECT line_no, line, rec, is_rt, {_select_posts(_v1_fields())}
            FROM (
                SELECT line_no, line, rec,
                       coalesce(rec.retweeted_status.id_str, rec.retweeted_status.id) IS NOT NULL AS is_rt
                FROM (
                    SELECT line_no, line, try(from_json(line, {_shape(_V1_RECORD)})) AS rec
                    FROM ({source}) WHERE line IS NOT NULL AND trim(line) <> ''
                )
            )
        )
    """


# ---- X account archive (tweets.js) ---------------------------------------------------------

_ARCHIVE_TWEET = {
    "id_str": "VARCHAR",
    "id": "VARCHAR",
    "created_at": "VARCHAR",
    "full_text": "VARCHAR",
    "text": "VARCHAR",
    "lang": "VARCHAR",
    "favorite_count": "VARCHAR",
    "retweet_count": "VARCHAR",
    "in_reply_to_status_id_str": "VARCHAR",
    "in_reply_to_screen_name": "VARCHAR",
    "entities": _V1_ENTITIES,
}
_RT_PREFIX = r"'^RT @([A-Za-z0-9_]+): '"


def stage_x_archive(source: str) -> str:
    """Stage the tweets of an account archive. Parameters after the source's: the account's
    id, handle and display name (the archive carries no follower counts: they stay NULL)."""
    full = "coalesce(rec.full_text, rec.text)"
    is_rt = f"({full} LIKE 'RT @%:%')"
    fields = {
        "platform": "'twitter'",
        "post_id": _v1_id("rec"),
        "created_at": "try_strptime(rec.created_at, '%a %b %d %H:%M:%S %z %Y')::TIMESTAMP",
        "author_id": "?::VARCHAR",
        "author_handle": "?::VARCHAR",
        "author_name": "?::VARCHAR",
        "author_followers": "NULL::BIGINT",
        # The archive keeps a retweet only in its cut "RT @x: ..." form: the prefix goes, the
        # cut text is all there is.
        "text": _unescape(f"CASE WHEN {is_rt} THEN regexp_replace({full}, {_RT_PREFIX}, '') ELSE {full} END"),
        "kind": f"""CASE WHEN {is_rt} THEN 'retweet'
                         WHEN rec.in_reply_to_status_id_str IS NOT NULL THEN 'reply'
                         ELSE 'post' END""",
        "ref_post_id": f"CASE WHEN NOT {is_rt} THEN rec.in_reply_to_status_id_str END",
        "ref_author_handle": f"""CASE WHEN {is_rt} THEN regexp_extract({full}, {_RT_PREFIX}, 1)
                                      ELSE rec.in_reply_to_screen_name END""",
        "ref_text": "NULL::VARCHAR",
        "lang": "rec.lang",
        "retweet_count": _count("rec.retweet_count"),
        "like_count": _count("rec.favorite_count"),
        "reply_count": "NULL::BIGINT",
        "quote_count": "NULL::BIGINT",
        "hashtags": _pluck("rec.entities.hashtags", "text"),
        "mentions": _pluck("rec.entities.user_mentions", "screen_name"),
        "urls": _pluck("rec.entities.urls", "expanded_url"),
    }
    return f"""
        SELECT line_no, {_verdict()} AS verdict, * EXCLUDE (line_no, line, rec)
        FROM (
            SELECT line_no, line, rec, {_select_posts(fields)}
            FROM (
                SELECT line_no, line,
                       try(from_json(coalesce(json_extract(line, '$.tweet'), line::JSON),
                                     {_shape(_ARCHIVE_TWEET)})) AS rec
                FROM ({source}) WHERE line IS NOT NULL
            )
        )
    """


# ---- Twitter API v2 (twarc2: pages, stream objects, flattened tweets) -----------------------

_V2_ENTITIES = {
    "hashtags": [{"tag": "VARCHAR"}],
    "mentions": [{"username": "VARCHAR"}],
    "urls": [{"expanded_url": "VARCHAR", "url": "VARCHAR"}],
}
_V2_USER = {
    "id": "VARCHAR",
    "username": "VARCHAR",
    "name": "VARCHAR",
    "public_metrics": {"followers_count": "BIGINT"},
}
_V2_REF = {
    "type": "VARCHAR",
    "id": "VARCHAR",
    "text": "VARCHAR",
    "author_id": "VARCHAR",
    "note_tweet": {"text": "VARCHAR", "entities": _V2_ENTITIES},
    "entities": _V2_ENTITIES,
    "author": _V2_USER,
}
_V2_TWEET = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "created_at": "VARCHAR",
    "author_id": "VARCHAR",
    "lang": "VARCHAR",
    "in_reply_to_user_id": "VARCHAR",
    "public_metrics": {
        "retweet_count": "VARCHAR",
        "reply_count": "VARCHAR",
        "like_count": "VARCHAR",
        "quote_count": "VARCHAR",
    },
    "referenced_tweets": [_V2_REF],
    "entities": _V2_ENTITIES,
    "note_tweet": {"text": "VARCHAR", "entities": _V2_ENTITIES},
    "author": _V2_USER,
}
_V2_LINE = {
    "data": "JSON",
    "includes": {"users": [_V2_USER], "tweets": [_V2_REF]},
    "errors": "JSON",
    "id": "VARCHAR",
    "text": "VARCHAR",
}


def stage_v2_lines(source: str) -> str:
    """Per line: its tweets (a page's ``data`` list, a stream's ``data`` object, or the line
    itself when twarc2 flattened it), and the users and referenced tweets it carries."""
    tweet, tweets = _shape(_V2_TWEET), _shape([_V2_TWEET])
    return f"""
        SELECT line_no, line, rec,
               CASE WHEN rec IS NULL THEN NULL
                    WHEN json_type(rec.data) = 'ARRAY' THEN from_json(rec.data, {tweets})
                    WHEN json_type(rec.data) = 'OBJECT' THEN [from_json(rec.data, {tweet})]
                    WHEN rec.id IS NOT NULL THEN [from_json(line, {tweet})]
                    ELSE [] END AS tweets,
               coalesce(rec.includes.users, []) AS inc_users,
               coalesce(rec.includes.tweets, []) AS inc_tweets
        FROM (
            SELECT line_no, line, try(from_json(line, {_shape(_V2_LINE)})) AS rec
            FROM ({source}) WHERE line IS NOT NULL AND trim(line) <> ''
        )
    """


def stage_v2(lines_table: str) -> str:
    """Stage v2 tweets from a table made by :func:`stage_v2_lines` (a trusted temp name)."""
    tw = "t.tw"

    def has_ref(kind: str) -> str:
        return f"list_contains(list_transform(tw.referenced_tweets, lambda r: r.type), '{kind}')"

    def ref_id(kind: str) -> str:
        return f"list_filter(tw.referenced_tweets, lambda r: r.type = '{kind}')[1].id"

    def full(s: str) -> str:
        return f"coalesce({s}.note_tweet.text, {s}.text)"

    def ent(key: str, field: str) -> str:
        # a retweet's own entities are those of the cut text: when the original is at hand its
        # entities are the whole ones (v2 leaves an empty list out: none, not the cut text's)
        return _pluck(
            f"""CASE WHEN t.kind = 'retweet' AND ref.r.id IS NOT NULL
                     THEN coalesce(ref.r.note_tweet.entities.{key}, ref.r.entities.{key})
                     ELSE coalesce({tw}.note_tweet.entities.{key}, {tw}.entities.{key}) END""",
            field,
        )

    fields = {
        "platform": "'twitter'",
        "post_id": f"{tw}.id",
        "created_at": f"TRY_CAST({tw}.created_at AS TIMESTAMPTZ)::TIMESTAMP",
        "author_id": f"{tw}.author_id",
        "author_handle": "au.username",
        "author_name": "au.name",
        "author_followers": "au.followers",
        "text": _unescape(
            f"CASE WHEN t.kind = 'retweet' AND ref.r.id IS NOT NULL THEN {full('ref.r')} ELSE {full(tw)} END"
        ),
        "kind": "t.kind",
        "ref_post_id": "t.ref_id",
        "ref_author_handle": "rau.username",
        "ref_text": f"CASE WHEN t.kind = 'quote' THEN {_unescape(full('ref.r'))} END",
        "lang": f"{tw}.lang",
        "retweet_count": _count(f"{tw}.public_metrics.retweet_count"),
        "like_count": _count(f"{tw}.public_metrics.like_count"),
        "reply_count": _count(f"{tw}.public_metrics.reply_count"),
        "quote_count": _count(f"{tw}.public_metrics.quote_count"),
        "hashtags": ent("hashtags", "tag"),
        "mentions": ent("mentions", "username"),
        "urls": ent("urls", "expanded_url"),
    }
    return f"""
        WITH
        tweets AS (
            SELECT line_no, unnest(tweets) AS tw FROM {lines_table} WHERE rec IS NOT NULL
        ),
        -- a line's users: its includes, and the authors twarc2 copied inline when flattening
        users AS (
            SELECT line_no, u.id, any_value(u.username) AS username, any_value(u.name) AS name,
                   any_value(u.public_metrics.followers_count) AS followers
            FROM (
                SELECT line_no, unnest(inc_users) AS u FROM {lines_table}
                UNION ALL SELECT line_no, tw.author FROM tweets
                UNION ALL SELECT line_no, unnest(tw.referenced_tweets).author FROM tweets
            ) WHERE u.id IS NOT NULL
            GROUP BY line_no, u.id
        ),
        refs AS (
            SELECT line_no, r.id, any_value(r) AS r
            FROM (
                SELECT line_no, unnest(inc_tweets) AS r FROM {lines_table}
                UNION ALL SELECT line_no, unnest(tw.referenced_tweets) FROM tweets
            ) WHERE r.id IS NOT NULL AND r.text IS NOT NULL
            GROUP BY line_no, r.id
        ),
        kinds AS (
            SELECT line_no, tw,
                   CASE WHEN {has_ref("retweeted")} THEN 'retweet'
                        WHEN {has_ref("quoted")} THEN 'quote'
                        WHEN {has_ref("replied_to")} THEN 'reply'
                        ELSE 'post' END AS kind
            FROM tweets
        ),
        keyed AS (
            SELECT line_no, tw, kind,
                   CASE kind WHEN 'retweet' THEN {ref_id("retweeted")}
                             WHEN 'quote' THEN {ref_id("quoted")}
                             WHEN 'reply' THEN {ref_id("replied_to")} END AS ref_id
            FROM kinds
        )
        SELECT line_no,
               CASE WHEN post_id IS NULL OR post_id = '' THEN 'reject:no post id'
                    WHEN created_at IS NULL THEN 'reject:no readable date'
                    WHEN text IS NULL THEN 'reject:no text' END AS verdict,
               * EXCLUDE (line_no)
        FROM (
            SELECT t.line_no, {_select_posts(fields)}
            FROM keyed t
            LEFT JOIN refs ref ON ref.line_no = t.line_no AND ref.id = t.ref_id
            LEFT JOIN users au ON au.line_no = t.line_no AND au.id = {tw}.author_id
            LEFT JOIN users rau ON rau.line_no = t.line_no
                 AND rau.id = coalesce(ref.r.author_id,
                                       CASE WHEN t.kind = 'reply' THEN {tw}.in_reply_to_user_id END)
        )
    """


def stage_v2_rejected_lines(lines_table: str) -> str:
    """The lines of a v2 file that hold no tweets: damaged lines are rejections, pages with
    only errors (a deleted or suspended account) are skipped."""
    return f"""
        SELECT line_no,
               CASE WHEN rec IS NULL AND json_valid(line) THEN 'reject:not a post record'
                    WHEN rec IS NULL THEN 'reject:not valid JSON (the line is cut off or damaged)'
                    ELSE 'skip:pages with no posts (only errors or empty)' END AS verdict
        FROM {lines_table}
        WHERE rec IS NULL OR len(tweets) = 0
    """


# ---- CSV exports ---------------------------------------------------------------------------

#: The CSV reader's own record of rows it could not parse (read_csv's store_rejects).
CSV_REJECTS_TABLE = "itx_csv_reject_errors"
CSV_SCANS_TABLE = "itx_csv_reject_scans"

#: Every cell as text (ids stay exact), rows the reader cannot parse set aside with their
#: line numbers. Parameters: path, compression.
CSV_ROWS = f"""
    SELECT row_number() OVER () AS line_no, *
    FROM read_csv(?, header = true, all_varchar = true, compression = ?,
                  ignore_errors = true, store_rejects = true,
                  rejects_table = '{CSV_REJECTS_TABLE}', rejects_scan = '{CSV_SCANS_TABLE}',
                  max_line_size = 268435456)
"""

CSV_REJECTS = f"""
    SELECT line, error_type FROM {CSV_REJECTS_TABLE} ORDER BY line
"""


def quote_ident(name: str) -> str:
    """A column name as a SQL identifier: the one safe way to put a user's column in a query."""
    return '"' + name.replace('"', '""') + '"'


def parse_time(expr: str) -> str:
    """ISO 8601 (no zone = UTC), Unix seconds or milliseconds, or Twitter's v1.1 form."""
    num = f"TRY_CAST({expr} AS DOUBLE)"
    return f"""coalesce(
        TRY_CAST({expr} AS TIMESTAMPTZ)::TIMESTAMP,
        try(to_timestamp(CASE WHEN {num} > 100000000000 THEN {num} / 1000 ELSE {num} END))::TIMESTAMP,
        try_strptime({expr}, '%a %b %d %H:%M:%S %z %Y')::TIMESTAMP)"""


def _blank(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def _split(expr: str, pattern: str, strip: str = "") -> str:
    items = f"regexp_split_to_array({_blank(expr)}, '{pattern}')"
    if strip:
        items = f"list_transform({items}, lambda v: ltrim(trim(v), '{strip}'))"
    return f"coalesce(list_filter({items}, lambda v: v IS NOT NULL AND trim(v) <> ''), [])"


def _kind_and_refs(
    retweet: str | None,
    quote: str | None,
    reply: str | None,
    rt_user: str | None,
    qt_user: str | None,
    re_user: str | None,
) -> dict[str, str]:
    """kind, ref_post_id and ref_author_handle from a CSV's three "points to" columns."""
    cases = [
        (c, k, u)
        for c, k, u in ((retweet, "retweet", rt_user), (quote, "quote", qt_user), (reply, "reply", re_user))
        if c
    ]
    kind = (
        "CASE "
        + " ".join(f"WHEN {_blank(c)} IS NOT NULL THEN '{k}'" for c, k, _ in cases)
        + " ELSE 'post' END"
    )
    ref = "CASE " + " ".join(f"WHEN {_blank(c)} IS NOT NULL THEN {_blank(c)}" for c, _, _ in cases) + " END"
    user = (
        "CASE "
        + " ".join(f"WHEN {_blank(c)} IS NOT NULL THEN {_blank(u) if u else 'NULL'}" for c, _, u in cases)
        + " END"
    )
    if not cases:
        return {"kind": "'post'", "ref_post_id": "NULL::VARCHAR", "ref_author_handle": "NULL::VARCHAR"}
    return {"kind": kind, "ref_post_id": ref, "ref_author_handle": user}


def _json_strings(expr: str, strip: str = "") -> str:
    """A cell holding a JSON list of strings (twarc-csv: ``["#tag", ...]``) -> a list."""
    items = f"try(from_json({_blank(expr)}, '[\"VARCHAR\"]'))"
    if strip:
        items = f"list_transform({items}, lambda v: ltrim(v, '{strip}'))"
    return f"coalesce(list_filter({items}, lambda v: v IS NOT NULL AND v <> ''), [])"


def twarc_csv_fields() -> dict[str, str]:
    """twarc-csv's columns (twarc2 csv): v2 field paths joined with dots."""
    q = quote_ident
    return {
        "platform": "'twitter'",
        "post_id": q("id"),
        "created_at": parse_time(q("created_at")),
        "author_id": q("author_id"),
        "author_handle": q("author.username"),
        "author_name": q("author.name"),
        "author_followers": _count(q("author.public_metrics.followers_count")),
        # twarc-csv writes the API's text HTML-escaped, a retweet's expanded, and every
        # newline as the two characters \\n
        "text": _unescape(f"replace({q('text')}, '\\n', chr(10))"),
        **_kind_and_refs(
            q("referenced_tweets.retweeted.id"),
            q("referenced_tweets.quoted.id"),
            q("referenced_tweets.replied_to.id"),
            q("retweeted_username"),
            q("quoted_username"),
            q("in_reply_to_username"),
        ),
        "ref_text": "NULL::VARCHAR",
        "lang": q("lang"),
        "retweet_count": _count(q("public_metrics.retweet_count")),
        "like_count": _count(q("public_metrics.like_count")),
        "reply_count": _count(q("public_metrics.reply_count")),
        "quote_count": _count(q("public_metrics.quote_count")),
        "hashtags": _json_strings(q("entities.hashtags"), "#"),
        "mentions": _json_strings(q("entities.mentions"), "@"),
        "urls": _json_strings(q("entities.urls")),
    }


def twitwi_csv_fields() -> dict[str, str]:
    """The flat tweet CSV of twitwi / minet / gazouilloire (``timestamp_utc``, ``user_*``)."""
    q = quote_ident
    refs = _kind_and_refs(
        q("retweeted_id"),
        q("quoted_id"),
        q("to_tweetid"),
        q("retweeted_user"),
        q("quoted_user"),
        q("to_username"),
    )
    return {
        "platform": "'twitter'",
        "post_id": q("id"),
        "created_at": parse_time(q("timestamp_utc")),
        "author_id": q("user_id"),
        "author_handle": q("user_screen_name"),
        "author_name": q("user_name"),
        "author_followers": _count(q("user_followers")),
        # twitwi already decodes entities and writes a retweet as "RT @x: " + its full text
        "text": f"""CASE WHEN {_blank(q("retweeted_id"))} IS NOT NULL
                         THEN regexp_replace({q("text")}, {_RT_PREFIX}, '') ELSE {q("text")} END""",
        **refs,
        "ref_text": "NULL::VARCHAR",
        "lang": q("lang"),
        "retweet_count": _count(q("retweet_count")),
        "like_count": _count(q("like_count")),
        "reply_count": _count(q("reply_count")),
        "quote_count": "NULL::BIGINT",
        "hashtags": _split(q("hashtags"), r"\|"),
        "mentions": _split(q("mentioned_names"), r"\|"),
        "urls": _split(q("links"), r"\|"),
    }


#: The posts fields a user can map a CSV column onto (``--map column=field``).
MAPPABLE_FIELDS = list(POST_COLUMNS)
_KIND_WORDS = {
    "post": "post",
    "original": "post",
    "tweet": "post",
    "retweet": "retweet",
    "rt": "retweet",
    "repost": "retweet",
    "share": "retweet",
    "quote": "quote",
    "reply": "reply",
    "comment": "reply",
}


def mapped_csv_fields(mapping: dict[str, str]) -> dict[str, str]:
    """Fields from a user's column mapping (field -> column); unmapped ones are NULL."""
    col = {f: quote_ident(c) for f, c in mapping.items()}
    fields: dict[str, str] = {}
    for f in POST_COLUMNS:
        c = col.get(f)
        if f == "platform":
            fields[f] = f"coalesce(lower({_blank(c)}), 'twitter')" if c else "'twitter'"
        elif c is None:
            fields[f] = {
                "hashtags": "[]::VARCHAR[]",
                "mentions": "[]::VARCHAR[]",
                "urls": "[]::VARCHAR[]",
                "kind": "'post'",
            }.get(f, "NULL")
        elif f == "created_at":
            fields[f] = parse_time(c)
        elif f in ("author_followers", "retweet_count", "like_count", "reply_count", "quote_count"):
            fields[f] = f"TRY_CAST(TRY_CAST({_blank(c)} AS DOUBLE) AS BIGINT)"
        elif f == "kind":
            words = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _KIND_WORDS.items())
            fields[f] = f"coalesce(CASE lower(trim({c})) {words} END, 'post')"
        elif f in ("hashtags", "mentions"):
            fields[f] = _split(c, r"[|,;\s]+", strip="#@")
        elif f == "urls":
            fields[f] = _split(c, r"[|,;\s]+")
        elif f == "author_handle":
            fields[f] = f"ltrim({_blank(c)}, '@')"
        else:
            fields[f] = f"{_blank(c)}::VARCHAR"
    return fields


def stage_csv(source: str, fields: dict[str, str]) -> str:
    """Stage CSV rows from ``source`` (a query yielding ``line_no`` and the CSV's columns)."""
    return f"""
        SELECT line_no,
               CASE WHEN post_id IS NULL OR post_id = '' THEN 'reject:no post id'
                    WHEN created_at IS NULL THEN 'reject:no readable date'
                    WHEN text IS NULL THEN 'reject:no text' END AS verdict,
               * EXCLUDE (line_no)
        FROM (SELECT line_no, {_select_posts(fields)} FROM ({source}))
    """


# ---- finishing an import (every format) ----------------------------------------------------


def finish_insert(stage_table: str) -> str:
    """Add the staged posts the workspace does not have yet, in time order so that range
    scans prune well; a post seen twice in one file keeps its last (most recent) copy.
    Parameter: the import id."""
    cols = ", ".join(POST_COLUMNS)
    return f"""
        INSERT INTO posts ({cols}, text_key, import_id)
        SELECT {cols}, md5_number(text)::UHUGEINT, ?
        FROM (
            SELECT * FROM {stage_table} WHERE verdict IS NULL
            QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY line_no DESC) = 1
        ) s
        WHERE NOT EXISTS (
            SELECT 1 FROM posts p WHERE p.platform = s.platform AND p.post_id = s.post_id
        )
        ORDER BY created_at
    """


def verdict_counts(stage_table: str) -> str:
    """Per verdict (NULL = kept): how many, and the first line numbers."""
    return f"""
        SELECT verdict, count(*), list(line_no ORDER BY line_no)[1:10]
        FROM {stage_table} GROUP BY verdict
    """


INSERT_IMPORT = """
    INSERT INTO imports (import_id, path, size_bytes, format, started_at)
    VALUES (nextval('import_id_seq'), ?, ?, ?, now() AT TIME ZONE 'UTC')
    RETURNING import_id
"""

FINISH_IMPORT = """
    UPDATE imports SET sha256 = ?, finished_at = now() AT TIME ZONE 'UTC', rows_read = ?,
           rows_added = ?, rows_duplicate = ?, rows_rejected = ?, rows_skipped = ?,
           rejections = ?, skipped = ?
    WHERE import_id = ?
"""
