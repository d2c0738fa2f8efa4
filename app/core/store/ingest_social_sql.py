"""The SQL that stages Mastodon account archives and Bluesky posts (twitwi / minet).

Mastodon's archive holds ``outbox.json``, an ActivityPub OrderedCollection whose
``orderedItems`` are the account's activities: a ``Create`` of a ``Note`` (a post or a reply,
its HTML ``content`` turned into plain text, hashtags and mentions from ``tag``) or an
``Announce`` (a boost, whose object is only the boosted post's address: the archive does not
hold its text). Bluesky posts come as twitwi / minet write them: the API's post views, some
wrapped as feed items (``{"post": …, "reason": …}`` for a repost).

Neither source carries follower counts: they stay unknown (NULL).
"""

from __future__ import annotations

from app.core.store.ingest_sql import iso_time, non_blank, select_posts, shape
from app.core.store.ingest_text_sql import hashtags_from, html_to_text, urls_from

# ---- Mastodon ----------------------------------------------------------------------------------

#: One row per activity of an outbox (one or several documents). Parameters: path, compression.
OUTBOX_ITEMS = """
    SELECT row_number() OVER () AS line_no, item::VARCHAR AS line
    FROM (
        SELECT unnest(from_json(json, '{"orderedItems": ["JSON"]}').orderedItems) AS item
        FROM read_json_objects(?, format = 'auto', compression = ?, maximum_object_size = 1073741824)
    )
"""

_TAG = {"type": "VARCHAR", "name": "VARCHAR", "href": "VARCHAR"}
_NOTE = {
    "id": "VARCHAR",
    "type": "VARCHAR",
    "summary": "VARCHAR",
    "inReplyTo": "VARCHAR",
    "published": "VARCHAR",
    "url": "VARCHAR",
    "attributedTo": "VARCHAR",
    "content": "VARCHAR",
    "contentMap": "JSON",
    "tag": [_TAG],
    "to": ["VARCHAR"],
    "cc": ["VARCHAR"],
    # quote posts, as Mastodon 4.4+ (FEP-044f), Fedibird and Misskey write them
    "quote": "VARCHAR",
    "quoteUri": "VARCHAR",
    "_misskey_quote": "VARCHAR",
    "likes": {"totalItems": "BIGINT"},
    "shares": {"totalItems": "BIGINT"},
    "replies": {"totalItems": "BIGINT"},
}
_ACTIVITY = {
    "id": "VARCHAR",
    "type": "VARCHAR",
    "actor": "VARCHAR",
    "published": "VARCHAR",
    "to": ["VARCHAR"],
    "cc": ["VARCHAR"],
    "object": "JSON",
}
_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _account(uri: str) -> str:
    """``https://host/users/alice`` (or …/users/alice/statuses/1) -> ``alice@host``."""
    parts = f"regexp_extract({uri}, '^https?://([^/]+)/(?:users/|@)([^/]+)', ['host', 'user'])"
    return f"CASE WHEN {parts}.user <> '' THEN {parts}.user || '@' || {parts}.host END"


def stage_mastodon(source: str) -> str:
    """Stage an outbox. Parameters before the source's: the actor's display name."""
    note = "n"
    is_boost = "a.type = 'Announce'"
    quote = f"coalesce({note}.quote, {note}.quoteUri, {note}._misskey_quote)"
    hrefs = f'regexp_extract_all({note}.content, \'<a [^>]*href="([^"]+)"\', 1)'
    links = f"list_filter({hrefs}, lambda h: NOT regexp_matches(h, '/tags/[^/]+$|/@[^/]+$|/users/[^/]+$'))"
    text = html_to_text(f"{note}.content")
    fields = {
        "platform": "'mastodon'",
        "post_id": f"CASE WHEN {is_boost} THEN regexp_replace(a.id, '/activity$', '') ELSE {note}.id END",
        "created_at": iso_time(
            f"CASE WHEN {is_boost} THEN a.published ELSE coalesce({note}.published, a.published) END"
        ),
        "author_id": "a.actor",
        "author_handle": _account("a.actor"),
        "author_name": "?::VARCHAR",
        "author_followers": "NULL::BIGINT",
        # a boost's text is not in the archive: it stays empty, its address is kept
        "text": f"CASE WHEN {is_boost} THEN '' ELSE coalesce({text}, '') END",
        "kind": f"""CASE WHEN {is_boost} THEN 'retweet'
                         WHEN {quote} IS NOT NULL THEN 'quote'
                         WHEN {note}.inReplyTo IS NOT NULL THEN 'reply'
                         ELSE 'post' END""",
        "ref_post_id": f"CASE WHEN {is_boost} THEN boosted WHEN {quote} IS NOT NULL THEN {quote} ELSE {note}.inReplyTo END",
        "ref_author_handle": _account(
            f"CASE WHEN {is_boost} THEN boosted WHEN {quote} IS NOT NULL THEN {quote} ELSE {note}.inReplyTo END"
        ),
        "ref_text": "NULL::VARCHAR",
        "lang": f"json_keys({note}.contentMap)[1]",
        "retweet_count": f"{note}.shares.totalItems",
        "like_count": f"{note}.likes.totalItems",
        "reply_count": f"{note}.replies.totalItems",
        "quote_count": "NULL::BIGINT",
        "hashtags": f"""coalesce(list_transform(list_filter({note}.tag, lambda t: t.type = 'Hashtag'),
                                 lambda t: ltrim(t.name, '#')), {hashtags_from(text)}, [])""",
        "mentions": f"""coalesce(list_transform(list_filter({note}.tag, lambda t: t.type = 'Mention'),
                                 lambda t: ltrim(t.name, '@')), [])""",
        "urls": f"coalesce({links}, [])",
        "post_url": f"CASE WHEN {is_boost} THEN boosted ELSE coalesce({note}.url, {note}.id) END",
    }
    return f"""
        SELECT line_no,
               CASE WHEN a IS NULL THEN 'reject:not an ActivityPub activity'
                    WHEN a.type NOT IN ('Create', 'Announce') THEN 'skip:other activities (' || a.type || ')'
                    WHEN a.type = 'Create' AND coalesce({note}.type, '') NOT IN ('Note', 'Question', 'Article', 'Page')
                        THEN 'skip:other activities (not posts)'
                    WHEN NOT list_contains(audience, '{_PUBLIC}')
                         AND NOT list_has_any(audience, [a.actor || '/followers'])
                        THEN 'skip:direct messages (not public)'
                    WHEN post_id IS NULL OR post_id = '' THEN 'reject:no post id'
                    WHEN created_at IS NULL THEN 'reject:a date the app cannot read'
               END AS verdict,
               CASE WHEN created_at IS NULL AND post_id IS NOT NULL AND post_id <> '' THEN raw_time END AS raw_value,
               * EXCLUDE (line_no, a, n, audience, boosted)
        FROM (
            SELECT line_no, a, n, audience, boosted,
                   CASE WHEN {is_boost} THEN a.published ELSE coalesce({note}.published, a.published) END AS raw_time,
                   {select_posts(fields)}
            FROM (
                SELECT line_no, a, n,
                       list_concat(coalesce(a.to, []), coalesce(a.cc, []), coalesce(n.to, []), coalesce(n.cc, [])) AS audience,
                       CASE WHEN json_type(a.object) = 'VARCHAR' THEN a.object ->> '$' ELSE a.object ->> '$.id' END AS boosted
                FROM (
                    SELECT line_no, a,
                           CASE WHEN json_type(a.object) = 'OBJECT' THEN from_json(a.object, {shape(_NOTE)}) END AS n
                    FROM (
                        SELECT line_no, try(from_json(line, {shape(_ACTIVITY)})) AS a
                        FROM ({source}) WHERE line IS NOT NULL
                    )
                )
            )
        )
    """


# ---- Bluesky (twitwi / minet post views) ------------------------------------------------------

_BSKY_AUTHOR = {"did": "VARCHAR", "handle": "VARCHAR", "displayName": "VARCHAR", "followersCount": "BIGINT"}
_BSKY_REF = {"uri": "VARCHAR", "cid": "VARCHAR"}
_BSKY_FEATURE = {"$type": "VARCHAR", "tag": "VARCHAR", "did": "VARCHAR", "uri": "VARCHAR"}
_BSKY_RECORD = {
    "$type": "VARCHAR",
    "createdAt": "VARCHAR",
    "text": "VARCHAR",
    "langs": ["VARCHAR"],
    "reply": {"parent": _BSKY_REF, "root": _BSKY_REF},
    "embed": {"$type": "VARCHAR", "record": {"uri": "VARCHAR", "record": {"uri": "VARCHAR"}}},
    "facets": [{"features": [_BSKY_FEATURE]}],
}
_QUOTED_VIEW = {
    "uri": "VARCHAR",
    "author": {"did": "VARCHAR", "handle": "VARCHAR"},
    "value": {"text": "VARCHAR"},
}
_BSKY_POST = {
    "uri": "VARCHAR",
    "cid": "VARCHAR",
    "author": _BSKY_AUTHOR,
    "record": _BSKY_RECORD,
    "embed": {"$type": "VARCHAR", "record": {**_QUOTED_VIEW, "record": _QUOTED_VIEW}},
    "likeCount": "BIGINT",
    "repostCount": "BIGINT",
    "replyCount": "BIGINT",
    "quoteCount": "BIGINT",
    "indexedAt": "VARCHAR",
}
_BSKY_ITEM = {
    **_BSKY_POST,
    "post": _BSKY_POST,
    "reason": {"$type": "VARCHAR", "by": _BSKY_AUTHOR, "indexedAt": "VARCHAR", "uri": "VARCHAR"},
}
_POST_FROM_ITEM = ", ".join(f'"{k}" := it."{k}"' for k in _BSKY_POST)
_BSKY_MENTION = r"(?:^|[^\w@])@([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)"


#: What Bluesky's AppView puts in place of a handle it could not verify (its DNS or HTTPS
#: record no longer names the account's DID): every account in that state carries it.
INVALID_HANDLE = "handle.invalid"


def bluesky_handle(author: str) -> str:
    """The handle of the account ``author`` (a struct with ``did`` and ``handle``), or its DID
    when the view gives no handle or the placeholder :data:`INVALID_HANDLE`. The app knows an
    account by its handle, so the placeholder would make one account of every unverified one;
    the DID is the account itself (the post's own address holds it), it does not change when
    the handle does, bsky.app's links take it in place of a handle, and it is what a
    repository export names its account by (:mod:`app.core.ingest.bluesky`). The unverified
    handle itself is not in the view to show instead."""
    return f"""CASE WHEN {author}.handle IS NULL OR trim({author}.handle) = ''
                     OR lower(trim({author}.handle)) = '{INVALID_HANDLE}' THEN {author}.did
                ELSE {author}.handle END"""


def _features(record: str, kind: str, field: str) -> str:
    feats = f"flatten(list_transform(coalesce({record}.facets, []), lambda f: coalesce(f.features, [])))"
    return f"list_distinct(list_transform(list_filter({feats}, lambda x: x.\"$type\" = 'app.bsky.richtext.facet#{kind}'), lambda x: x.{field}))"


def stage_bluesky(source: str) -> str:
    """Stage Bluesky post views and feed items from ``source`` (``line_no, line``)."""
    p, r = "p", "p.record"
    repost = "it.reason.\"$type\" = 'app.bsky.feed.defs#reasonRepost'"
    quote_uri = f"coalesce({r}.embed.record.record.uri, {r}.embed.record.uri)"
    is_quote = f"{r}.embed.\"$type\" IN ('app.bsky.embed.record', 'app.bsky.embed.recordWithMedia') AND {quote_uri} IS NOT NULL"
    quoted = f"CASE WHEN {p}.embed.record.record.uri IS NOT NULL THEN {p}.embed.record.record ELSE {p}.embed.record END"
    rkey = f"regexp_extract({p}.uri, '/app\\.bsky\\.feed\\.post/([^/]+)$', 1)"
    handle = bluesky_handle(f"{p}.author")
    text = f"{r}.text"
    fields = {
        "platform": "'bluesky'",
        # a repost has no address of its own in a post view: it is the reposter's and the post's
        "post_id": f"CASE WHEN {repost} THEN coalesce(it.reason.uri, it.reason.by.did || '/repost/' || {p}.uri) ELSE {p}.uri END",
        "created_at": iso_time(f"CASE WHEN {repost} THEN it.reason.indexedAt ELSE {r}.createdAt END"),
        "author_id": f"CASE WHEN {repost} THEN it.reason.by.did ELSE {p}.author.did END",
        "author_handle": f"CASE WHEN {repost} THEN {bluesky_handle('it.reason.by')} ELSE {handle} END",
        "author_name": f"CASE WHEN {repost} THEN it.reason.by.displayName ELSE {p}.author.displayName END",
        "author_followers": f"CASE WHEN {repost} THEN it.reason.by.followersCount ELSE {p}.author.followersCount END",
        "text": text,
        "kind": f"""CASE WHEN {repost} THEN 'retweet'
                         WHEN {is_quote} THEN 'quote'
                         WHEN {r}.reply.parent.uri IS NOT NULL THEN 'reply'
                         ELSE 'post' END""",
        "ref_post_id": f"""CASE WHEN {repost} THEN {p}.uri WHEN {is_quote} THEN {quote_uri}
                                ELSE {r}.reply.parent.uri END""",
        "ref_author_handle": f"""CASE WHEN {repost} THEN {handle}
                                      WHEN {is_quote} THEN {bluesky_handle(f"({quoted}).author")} END""",
        "ref_text": f"CASE WHEN NOT {repost} AND {is_quote} THEN ({quoted}).value.text END",
        "lang": f"{r}.langs[1]",
        "retweet_count": f"{p}.repostCount",
        "like_count": f"{p}.likeCount",
        "reply_count": f"{p}.replyCount",
        "quote_count": f"{p}.quoteCount",
        "hashtags": f"list_distinct(list_concat({_features(r, 'tag', 'tag')}, coalesce({hashtags_from(text)}, [])))",
        "mentions": f"coalesce(list_distinct(regexp_extract_all({text}, '{_BSKY_MENTION}', 1)), [])",
        "urls": f"list_distinct(list_concat({_features(r, 'link', 'uri')}, coalesce({urls_from(text)}, [])))",
        "post_url": f"'https://bsky.app/profile/' || coalesce({handle}, {p}.author.did) || '/post/' || {rkey}",
    }
    return f"""
        SELECT line_no,
               CASE WHEN it IS NULL AND json_valid(line) THEN 'reject:not a post record'
                    WHEN it IS NULL THEN 'reject:not valid JSON (the line is cut off or damaged)'
                    WHEN p.uri IS NULL OR p.record IS NULL THEN 'reject:not a post record'
                    WHEN post_id IS NULL OR post_id = '' THEN 'reject:no post id'
                    WHEN created_at IS NULL THEN 'reject:a date the app cannot read'
                    WHEN text IS NULL THEN 'reject:no text'
               END AS verdict,
               CASE WHEN created_at IS NULL AND post_id IS NOT NULL AND post_id <> '' THEN raw_time END AS raw_value,
               * EXCLUDE (line_no, line, it, p)
        FROM (
            SELECT line_no, line, it, p,
                   CASE WHEN {repost} THEN it.reason.indexedAt ELSE {r}.createdAt END AS raw_time,
                   {select_posts(fields)}
            FROM (
                SELECT line_no, line, it,
                       CASE WHEN it.post.uri IS NOT NULL THEN it.post
                            ELSE struct_pack({_POST_FROM_ITEM}) END AS p
                FROM (
                    SELECT line_no, line, try(from_json(line, {shape(_BSKY_ITEM)})) AS it
                    FROM ({source}) WHERE {non_blank("line")}
                )
            )
        )
    """
