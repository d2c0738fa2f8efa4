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
    "post_url",
    "vendor_sentiment",
    "vendor_reach",
    "ref_author_followers",
]

#: What a staging query may leave out: fields the format never carries.
_UNKNOWN = {
    "post_url": "NULL::VARCHAR",
    "vendor_sentiment": "NULL::VARCHAR",
    "vendor_reach": "NULL::BIGINT",
    "ref_author_followers": "NULL::BIGINT",
}

# A byte that never occurs in a JSON text (control characters must be escaped there), so
# read_csv with it as the delimiter hands over each line whole.
_NO_DELIMITER = chr(1)

#: One row per line of a text file (gzip or plain): ``line_no``, ``line``. Parameters: path,
#: compression ('gzip' or 'none').
_LINES = """
    SELECT <select>
    FROM read_csv(?, columns = {{'line': 'VARCHAR'}}, delim = '{delim}', quote = '',
                  escape = '', header = false, auto_detect = false, strict_mode = false,
                  max_line_size = {size}, buffer_size = {buffer}, compression = ?)
"""
# Lines up to 128 MB. With a smaller limit DuckDB 2.0 drops a longer line silently in some
# files (the last one, with strict_mode off) instead of failing: a post lost without a word.
# The larger buffers cost about 200 MB of peak memory whatever the file's size (bench/README.md).
_LINES_READER = _LINES.format(delim=_NO_DELIMITER, size=134217728, buffer=134217728)
LINES = _LINES_READER.replace("<select>", "row_number() OVER () AS line_no, line")

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


def duck_type(obj: object) -> str:
    """A struct shape (as :func:`shape` takes it) as a DuckDB type name."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, list):
        return duck_type(obj[0]) + "[]"
    assert isinstance(obj, dict)
    return "STRUCT(" + ", ".join(f'"{k}" {duck_type(v)}' for k, v in obj.items()) + ")"


def json_reader(record_shape: dict) -> str:
    """``line_no`` (NULL: numbered afterwards, see :func:`number_by_position`), ``line``
    (NULL) and ``rec``: each line of a JSON-lines file read by DuckDB's JSON reader straight
    into ``record_shape``, the type :func:`parse_lines` gives it. Faster than parsing each
    line's text (the reader parses in place, and no line is numbered while reading), but
    strict: a damaged line, or a value that does not fit the shape, fails the whole read, and
    blank lines are passed over. So it is tried first and only kept when it read every line
    with no rejection (``app.core.ingest.staging.first_pass``). Parameters: path, compression."""
    columns = ", ".join(f"'{k}': '{duck_type(v)}'" for k, v in record_shape.items())
    return f"""
        SELECT NULL::BIGINT AS line_no, NULL::VARCHAR AS line, r AS rec
        FROM read_json(?, format = 'newline_delimited', compression = ?,
                       maximum_object_size = 134217728, columns = {{{columns}}}) r
    """


def parse_lines(source: str, record_shape: dict) -> str:
    """``line_no``, ``line`` and ``rec``: each non-blank record of ``source`` parsed into
    ``record_shape`` (NULL when it is not valid JSON)."""
    return f"""
        SELECT line_no, line, try(from_json(line, {shape(record_shape)})) AS rec
        FROM ({source}) WHERE {non_blank("line")}
    """


def number_by_position(table: str) -> str:
    """Number the rows of a table made from :func:`json_reader`'s rows in file order (a
    trusted temp name): DuckDB keeps a read's order when it fills a table, as
    ``row_number() OVER ()`` over the lines relies on too, so row ids follow the lines."""
    return f"UPDATE {table} SET line_no = rowid - (SELECT min(rowid) FROM {table}) + 1"


#: How many lines a file has, blank ones included. Parameters: path, compression.
COUNT_LINES = _LINES_READER.replace("<select>", "count(*)")


def count_rows(table: str) -> str:
    return f"SELECT count(*) FROM {table}"


def has_rejections(stage_table: str) -> str:
    return f"SELECT count(*) > 0 FROM {stage_table} WHERE starts_with(verdict, 'reject:')"


def non_blank(line: str) -> str:
    """``line`` holds more than whitespace: ``trim(line) <> ''``, but trim (which copies the
    string: megabytes for a v2 page) is evaluated only on lines that start with whitespace or
    a control character; a JSON record starts with a printable ASCII character."""
    return f"""CASE WHEN {line} IS NULL THEN false WHEN ascii({line}) BETWEEN 33 AND 126 THEN true
                    ELSE trim({line}) <> '' END"""


def _unescape(expr: str) -> str:
    """Decode the three entities Twitter escapes, once: ``&amp;lt;`` stays ``&lt;``.

    A text without ``&`` (most) is passed as it is: ``replace`` copies every string it is
    given, three times here, and none of the three can change a text without ``&``."""
    return (
        f"CASE WHEN contains({expr}, '&') "
        f"THEN replace(replace(replace({expr}, '&lt;', '<'), '&gt;', '>'), '&amp;', '&') ELSE {expr} END"
    )


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
            WHEN created_at IS NULL THEN 'reject:' || {_time_problem("raw_time")}
            WHEN text IS NULL THEN 'reject:no text'
        END
    """


def _time_problem(raw: str) -> str:
    return f"""CASE WHEN {raw} IS NULL OR trim({raw}) = '' THEN 'no date'
                    WHEN regexp_matches({raw}, '[+-][0-9]{{2}}:?[0-9]{{2}}')
                         AND NOT regexp_matches({raw}, '[+-](0[0-9]|1[0-4]):?[0-5][0-9]')
                        THEN 'an impossible UTC offset'
                    ELSE 'a date the app cannot read' END"""


def iso_time(raw: str) -> str:
    """ISO 8601 with its offset as UTC; NULL for an offset no place has. A time ending in
    ``Z`` (Twitter v2's, most) has no offset for the two patterns to check: it skips them."""
    return f"""CASE WHEN ends_with({raw}, 'Z') THEN TRY_CAST({raw} AS TIMESTAMPTZ)::TIMESTAMP
                    WHEN NOT regexp_matches({raw}, '[+-][0-9]{{2}}:?[0-9]{{2}}$')
                         OR regexp_matches({raw}, '[+-](0[0-9]|1[0-4]):?[0-5][0-9]$')
                    THEN TRY_CAST({raw} AS TIMESTAMPTZ)::TIMESTAMP END"""


def twitter_time(raw: str) -> str:
    """Twitter's ``Wed Oct 10 20:19:24 +0000 2018`` as UTC; NULL for an offset no place has
    (strptime alone would take ``+9999`` as 99 hours 99 minutes). `` +0000 `` (every time
    the API writes) is one the pattern accepts, found without the regular expression."""
    parse = f"try_strptime({raw}, '%a %b %d %H:%M:%S %z %Y')::TIMESTAMP"
    return f"""CASE WHEN contains({raw}, ' +0000 ') THEN {parse}
                    WHEN regexp_matches({raw}, ' [+-](0[0-9]|1[0-4])[0-5][0-9] ') THEN {parse} END"""


def select_posts(fields: dict[str, str]) -> str:
    return ",\n".join(f"{fields.get(c, _UNKNOWN.get(c))} AS {c}" for c in POST_COLUMNS)


def shape(obj: object) -> str:
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


def _slim(shape: dict, keep: set[str]) -> dict:
    """``shape`` with only the fields named in ``keep`` (a nested one as ``a.b``; a list's
    elements as the list). Leaving a field out changes no other field: from_json reads any
    value into any shape (a mismatch is a NULL, never an error), and where DuckDB's stricter
    JSON reader would fail on a field, the file is staged line by line with from_json
    anyway (:func:`json_reader`). Fewer fields, less to copy out of every parsed record: a
    retweet carries its original whole, user and counts included."""

    def cut(obj: object, path: str) -> object:
        if isinstance(obj, dict):
            kept = {k: cut(v, f"{path}.{k}" if path else k) for k, v in obj.items()}
            return {k: v for k, v in kept.items() if v is not None} or None
        if isinstance(obj, list):
            inner = cut(obj[0], path)
            return None if inner is None else [inner]
        return obj if path in keep else None

    out = cut(shape, "")
    assert isinstance(out, dict)
    return out


def _fields_of(shape: dict, path: str = "") -> set[str]:
    """Every leaf field of a shape, as :func:`_slim` names them."""
    out: set[str] = set()
    for k, v in shape.items():
        name = f"{path}.{k}" if path else k
        inner = v[0] if isinstance(v, list) else v
        out |= _fields_of(inner, name) if isinstance(inner, dict) else {name}
    return out


# What is read of the status a retweet or a quote points to (:func:`_v1_fields`): its id,
# full text, author's handle and followers, and a retweet's entities (those of its full text).
_V1_ORIGINAL = {
    "id_str",
    "id",
    "text",
    "full_text",
    "extended_tweet.full_text",
    "user.screen_name",
    "user.followers_count",
}
_V1_ENTITY_FIELDS = {
    f"{where}{e}"
    for where in ("entities.", "extended_tweet.entities.")
    for e in ("hashtags.text", "user_mentions.screen_name", "urls.expanded_url")
}
_V1_RECORD = {
    # a status's own fields: all but its links' short forms (``url``)
    **_slim(_V1_STATUS, _fields_of(_V1_STATUS) - {"entities.urls.url", "extended_tweet.entities.urls.url"}),
    "retweeted_status": _slim(_V1_STATUS, _V1_ORIGINAL | _V1_ENTITY_FIELDS),
    "quoted_status": _slim(_V1_STATUS, _V1_ORIGINAL),
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
        "created_at": twitter_time("rec.created_at"),
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
        # the original's author as the status carries it: often an account with no post of
        # its own in the archive, whose followers would otherwise be unknown
        "ref_author_followers": f"""CASE WHEN is_rt THEN {rt}.user.followers_count
                                         WHEN coalesce(rec.quoted_status_id_str, {_v1_id(qt)}) IS NOT NULL
                                             THEN {qt}.user.followers_count END""",
        "lang": "rec.lang",
        "retweet_count": _count("rec.retweet_count"),
        "like_count": _count("rec.favorite_count"),
        "reply_count": _count("rec.reply_count"),
        "quote_count": _count("rec.quote_count"),
        "hashtags": ent("hashtags", "text"),
        "mentions": ent("user_mentions", "screen_name"),
        "urls": ent("urls", "expanded_url"),
    }


def v1_records(source: str) -> str:
    """``line_no, line, rec`` for :func:`stage_v1` from ``source`` (``line_no, line``)."""
    return parse_lines(source, _V1_RECORD)


def stage_v1(records: str) -> str:
    """Stage v1.1 statuses from ``records`` (a query yielding ``line_no, line, rec``: see
    :func:`v1_records`, :data:`V1_JSON_READER`)."""
    return f"""
        SELECT line_no, {
        _verdict('''
            WHEN rec."delete" IS NOT NULL THEN 'skip:deletion notices'
            WHEN rec."limit" IS NOT NULL THEN 'skip:rate-limit notices'
            WHEN coalesce(rec.scrub_geo, rec.status_withheld, rec.user_withheld, rec.disconnect,
                          rec.warning, rec.event, rec.friends) IS NOT NULL
                THEN 'skip:other stream messages'
        ''')
    } AS verdict, CASE WHEN created_at IS NULL AND post_id IS NOT NULL AND post_id <> '' THEN raw_time END AS raw_value, * EXCLUDE (line_no, line, rec, is_rt)
        FROM (
            SELECT line_no, line, rec, is_rt, rec.created_at AS raw_time, {select_posts(_v1_fields())}
            FROM (
                SELECT line_no, line, rec,
                       coalesce(rec.retweeted_status.id_str, rec.retweeted_status.id) IS NOT NULL AS is_rt
                FROM ({records})
            )
        )
    """


#: :func:`stage_v1`'s records read by DuckDB's JSON reader (see :func:`json_reader`).
V1_JSON_READER = json_reader(_V1_RECORD)


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
RT_PREFIX = r"'^RT @([A-Za-z0-9_]+): '"


def stage_x_archive(source: str) -> str:
    """Stage the tweets of an account archive. Parameters after the source's: the account's
    id, handle and display name (the archive carries no follower counts: they stay NULL)."""
    full = "coalesce(rec.full_text, rec.text)"
    is_rt = f"({full} LIKE 'RT @%:%')"
    fields = {
        "platform": "'twitter'",
        "post_id": _v1_id("rec"),
        "created_at": twitter_time("rec.created_at"),
        "author_id": "?::VARCHAR",
        "author_handle": "?::VARCHAR",
        "author_name": "?::VARCHAR",
        "author_followers": "NULL::BIGINT",
        # The archive keeps a retweet only in its cut "RT @x: ..." form: the prefix goes, the
        # cut text is all there is.
        "text": _unescape(f"CASE WHEN {is_rt} THEN regexp_replace({full}, {RT_PREFIX}, '') ELSE {full} END"),
        "kind": f"""CASE WHEN {is_rt} THEN 'retweet'
                         WHEN rec.in_reply_to_status_id_str IS NOT NULL THEN 'reply'
                         ELSE 'post' END""",
        "ref_post_id": f"CASE WHEN NOT {is_rt} THEN rec.in_reply_to_status_id_str END",
        "ref_author_handle": f"""CASE WHEN {is_rt} THEN regexp_extract({full}, {RT_PREFIX}, 1)
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
        SELECT line_no, {_verdict()} AS verdict, CASE WHEN created_at IS NULL AND post_id IS NOT NULL AND post_id <> '' THEN raw_time END AS raw_value, * EXCLUDE (line_no, line, rec)
        FROM (
            SELECT line_no, line, rec, rec.created_at AS raw_time, {select_posts(fields)}
            FROM (
                SELECT line_no, line,
                       try(from_json(coalesce(json_extract(line, '$.tweet'), line::JSON),
                                     {shape(_ARCHIVE_TWEET)})) AS rec
                FROM ({source}) WHERE line IS NOT NULL
            )
        )
    """


# ---- Twitter API v2 (twarc2: pages, stream objects, flattened tweets) -----------------------

# a link's short form (``url``) is not read: see :func:`_slim`
_V2_ENTITIES = {
    "hashtags": [{"tag": "VARCHAR"}],
    "mentions": [{"username": "VARCHAR"}],
    "urls": [{"expanded_url": "VARCHAR"}],
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
#: A line as one parse reads it: a page's ``data`` list; the tweet fields of a flattened
#: tweet at the top level; the includes. A stream object's ``data`` (an object, not a list)
#: does not fit the list and comes out NULL: only such lines are parsed a second time.
_V2_LINE = {
    **_V2_TWEET,
    "data": [_V2_TWEET],
    "includes": {"users": [_V2_USER], "tweets": [_V2_REF]},
    "errors": "JSON",
}


def _v2_flattened(rec: str) -> str:
    """The top-level fields of a parsed line, as the tweet they are when twarc2 flattened it."""
    return "{" + ", ".join(f"'{k}': {rec}.{k}" for k in _V2_TWEET) + "}"


def v2_records(source: str) -> str:
    """``line_no, line, rec`` for :func:`stage_v2_lines` from ``source`` (``line_no, line``)."""
    return parse_lines(source, _V2_LINE)


def stage_v2_lines(records: str) -> str:
    """Per line of ``records`` (``line_no, line, rec``: see :func:`v2_records`,
    :data:`V2_JSON_READER`): its tweets (a page's ``data`` list, a stream's ``data`` object,
    or the line itself when twarc2 flattened it), the users and referenced tweets it carries, and for a
    line with no tweets why (``verdict``). Each line is parsed once into this shape (pages,
    the bulk of a file); only a stream object's line is parsed again. The raw line is not
    kept: a page can be megabytes."""
    tweet = shape(_V2_TWEET)
    return f"""
        SELECT line_no, tweets, inc_users, inc_tweets,
               CASE WHEN rec IS NULL AND json_valid(line)
                        THEN 'reject:not a post record'
                    WHEN rec IS NULL THEN 'reject:not valid JSON (the line is cut off or damaged)'
                    WHEN len(tweets) = 0 THEN 'skip:pages with no posts (only errors or empty)'
               END AS verdict
        FROM (
            SELECT line_no, line, rec,
                   CASE WHEN rec IS NULL THEN NULL
                        WHEN rec.data IS NOT NULL THEN rec.data
                        WHEN json_type(line, '$.data') = 'OBJECT'
                            THEN [from_json(json_extract(line, '$.data'), {tweet})]
                        WHEN rec.id IS NOT NULL THEN [{_v2_flattened("rec")}]
                        ELSE [] END AS tweets,
                   coalesce(rec.includes.users, []) AS inc_users,
                   coalesce(rec.includes.tweets, []) AS inc_tweets
            FROM ({records})
        )
    """


#: :func:`stage_v2_lines`'s records read by DuckDB's JSON reader (see :func:`json_reader`);
#: a stream object's ``data`` fails it (an object where the shape has a list).
V2_JSON_READER = json_reader(_V2_LINE)


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
        "created_at": iso_time(f"{tw}.created_at"),
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
        "ref_author_followers": "rau.followers",
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
            SELECT line_no, unnest(tweets) AS tw FROM {lines_table} WHERE verdict IS NULL
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
                    WHEN created_at IS NULL THEN 'reject:' || {_time_problem("raw_time")}
                    WHEN text IS NULL THEN 'reject:no text' END AS verdict,
               CASE WHEN created_at IS NULL AND post_id IS NOT NULL AND post_id <> '' THEN raw_time END AS raw_value,
               * EXCLUDE (line_no)
        FROM (
            SELECT t.line_no, {tw}.created_at AS raw_time, {select_posts(fields)}
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
    return f"SELECT line_no, verdict FROM {lines_table} WHERE verdict IS NOT NULL"


# ---- finishing an import (every format) ----------------------------------------------------

#: The earliest time a post is believed: Twitter opened in March 2006; anything earlier is a
#: damaged or placeholder date (1970, year 1) that would stretch every time axis.
EARLIEST_PLAUSIBLE = "2006-01-01"
IMPLAUSIBLE_DATE = "a date before 2006 or after the import (the date is damaged or a placeholder)"


def reject_implausible_dates(stage_table: str) -> str:
    """Posts dated before 2006 or after the import began (parameter: that moment, UTC) are
    rejected, quoting their date: never stored to stretch the time axis."""
    return f"""
        UPDATE {stage_table}
        SET verdict = 'reject:{IMPLAUSIBLE_DATE}',
            raw_value = coalesce(raw_time, strftime(created_at, '%Y-%m-%d %H:%M:%S'))
        WHERE verdict IS NULL
          AND (created_at < TIMESTAMP '{EARLIEST_PLAUSIBLE}' OR created_at > ?::TIMESTAMP)
    """


def drop(table: str) -> str:
    """Drop one of the import's own temp tables (a name of this package, never user text)."""
    return f"DROP TABLE IF EXISTS {table}"


def stage_columns(stage_table: str) -> str:
    return f"SELECT column_name FROM (DESCRIBE {stage_table})"


def has_repeated_ids(stage_table: str) -> str:
    return f"""
        SELECT count(*) > count(DISTINCT (platform, post_id)) FROM {stage_table} WHERE verdict IS NULL
    """


COPIES = "itx_copies"


def find_copies(stage_table: str) -> str:
    """The copies of a post beyond the one kept (the last in the file): ``same`` when they
    match it in text and author (a repeat), else a conflict."""
    return f"""
        CREATE TEMP TABLE {COPIES} AS
        SELECT line_no, platform, post_id,
               text IS NOT DISTINCT FROM kept_text AND author_handle IS NOT DISTINCT FROM kept_author AS same
        FROM (
            SELECT line_no, platform, post_id, text, author_handle,
                   row_number() OVER w AS copy,
                   first_value(text) OVER w AS kept_text,
                   first_value(author_handle) OVER w AS kept_author
            FROM {stage_table} WHERE verdict IS NULL
            WINDOW w AS (PARTITION BY platform, post_id ORDER BY line_no DESC)
        )
        WHERE copy > 1
    """


COPY_COUNTS = f"SELECT count(*) FILTER (same), count(*) FILTER (NOT same) FROM {COPIES}"

#: The first conflicting ids, each with the positions of its copies that were not kept.
CONFLICTS = f"""
    SELECT post_id, list(line_no ORDER BY line_no)[1:10]
    FROM {COPIES} WHERE NOT same GROUP BY post_id ORDER BY min(line_no) LIMIT 20
"""


def kept_posts(stage_table: str, repeated: bool = True) -> str:
    """One row per post of the file: its last copy (``repeated`` False: the file holds each
    post once, and the window that picks the last copy is left out)."""
    if not repeated:
        return f"SELECT * FROM {stage_table} WHERE verdict IS NULL"
    return f"""
        SELECT * FROM {stage_table} WHERE verdict IS NULL
        QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY line_no DESC) = 1
    """


def in_time_order(stage_table: str) -> str:
    """Whether the posts to keep already lie in time order in the stage table (a stream
    captured as it came, a generated archive) and the workspace has no posts yet: then
    :func:`finish_insert` need not sort them, nor look for them among the posts."""
    return f"""
        SELECT NOT EXISTS (SELECT 1 FROM posts) AND count(*) = 0 FROM (
            SELECT created_at < lag(created_at) OVER (ORDER BY rowid) AS back
            FROM {stage_table} WHERE verdict IS NULL
        ) WHERE back
    """


def finish_insert(stage_table: str, repeated: bool = True, ordered: bool = False) -> str:
    """Add the staged posts the workspace does not have yet, in time order so that range
    scans prune well; a post seen twice in one file keeps its last (most recent) copy.
    Parameter: the import id.

    ``ordered``: :func:`in_time_order` said yes, and the file holds each post once. The rows
    then go in as they lie: DuckDB keeps a scan's order when it fills a table (as
    :func:`number_by_position` relies on too), which the anti-join against the posts does
    not (measured: one row out of place at 1M), hence only into a workspace with no posts.
    Saves the sort of every column and the join: a sixth of the insert at 1M posts."""
    cols = ", ".join(POST_COLUMNS)
    if ordered and not repeated:
        return f"""
            INSERT INTO posts ({cols}, text_key, import_id)
            SELECT {cols}, md5_number(text)::UHUGEINT, ? FROM {stage_table} WHERE verdict IS NULL
        """
    return f"""
        INSERT INTO posts ({cols}, text_key, import_id)
        SELECT {cols}, md5_number(text)::UHUGEINT, ?
        FROM ({kept_posts(stage_table, repeated)}) s
        WHERE NOT EXISTS (
            SELECT 1 FROM posts p WHERE p.platform = s.platform AND p.post_id = s.post_id
        )
        ORDER BY created_at
    """


def keep_labels(stage_table: str) -> str:
    """The file's human sentiment labels into ``sentiment_labels`` (a label given again
    replaces the one before): the posts they label are in the workspace by now. Parameter:
    where they came from (``import FILE``)."""
    return f"""
        INSERT INTO sentiment_labels (platform, post_id, label, labelled_at, source)
        SELECT platform, post_id, human_label, now() AT TIME ZONE 'UTC', ?::VARCHAR
        FROM ({kept_posts(stage_table)}) WHERE human_label IS NOT NULL
        ON CONFLICT (platform, post_id) DO UPDATE SET label = excluded.label,
                                                     labelled_at = excluded.labelled_at,
                                                     source = excluded.source
    """


def verdict_counts(stage_table: str) -> str:
    """Per verdict (NULL = kept): how many and, for a rejection, the first positions and the
    offending values there (NULL where no one value was to blame). The positions of kept and
    skipped records are never quoted: not listing them spares a list of every kept post."""
    rejected = "FILTER (WHERE starts_with(verdict, 'reject:'))"
    return f"""
        SELECT verdict, count(*), list(line_no ORDER BY line_no) {rejected}[1:10],
               list(coalesce(raw_value, '') ORDER BY line_no) {rejected}[1:10],
               bool_or(raw_value IS NOT NULL)
        FROM {stage_table} GROUP BY verdict
    """


INSERT_IMPORT = """
    INSERT INTO imports (import_id, path, size_bytes, format, started_at)
    VALUES (nextval('import_id_seq'), ?, ?, ?, now() AT TIME ZONE 'UTC')
    RETURNING import_id
"""

FINISH_IMPORT = """
    UPDATE imports SET sha256 = ?, finished_at = now() AT TIME ZONE 'UTC', rows_read = ?,
           rows_added = ?, rows_duplicate = ?, rows_duplicate_in_file = ?, rows_conflict = ?,
           rows_rejected = ?, rows_skipped = ?, rejections = ?, skipped = ?, conflicts = ?,
           warnings = ?, timezone = ?, labels_kept = ?
    WHERE import_id = ?
"""
