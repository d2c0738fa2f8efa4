"""Guessing which column of an unfamiliar table holds which post field, from the column names.

The import window pre-fills its column choices with this guess, and the command line shows it
as the ``--map`` options to give.
"""

from __future__ import annotations

import re

from app.core.store.ingest_table_sql import MAPPABLE_FIELDS

#: What the user reads for each field, in the order the choices are shown.
FIELD_NAMES: dict[str, str] = {
    "post_id": "Post id",
    "post_url": "Post address (URL)",
    "created_at": "Time",
    "text": "Text",
    "author_handle": "Author handle",
    "author_name": "Author name",
    "author_id": "Author id",
    "author_followers": "Author followers",
    "kind": "Kind (post / retweet / reply / quote)",
    "lang": "Language",
    "retweet_count": "Retweets",
    "like_count": "Likes",
    "reply_count": "Replies",
    "quote_count": "Quotes",
    "hashtags": "Hashtags",
    "mentions": "Mentions",
    "urls": "Links",
    "ref_post_id": "Points to post id",
    "ref_author_handle": "Points to author",
    "ref_text": "Text of the quoted post",
    "platform": "Platform (twitter, bluesky, …)",
    "human_label": "Your sentiment label (negative / neutral / positive)",
    "vendor_sentiment": "Sentiment from a listening tool",
    "vendor_reach": "Reach or impressions (a tool's estimate)",
    "time_of_day": "Time of day (when apart from the date)",
}

#: Column names that surely mean a field, after :func:`_norm` (first match wins).
_EXACT: dict[str, tuple[str, ...]] = {
    "post_id": ("id", "id_str", "tweet_id", "post_id", "status_id", "tweetid", "postid", "message_id"),
    "created_at": (
        "created_at",
        "timestamp_utc",
        "timestamp",
        "date",
        "time",
        "datetime",
        "date_time",
        "created",
        "created_time",
        "posted_at",
        "published_at",
        "publish_date",
        "date_created",
        "tweet_date",
        "post_date",
        "createdat",
    ),
    "text": (
        "text",
        "full_text",
        "body",
        "message",
        "content",
        "tweet_text",
        "post_text",
        "text_content",
        "message_text",
        "tweet",
        "post",
    ),
    "author_handle": (
        "screen_name",
        "user_screen_name",
        "username",
        "user_username",
        "author_username",
        "handle",
        "author_handle",
        "user_handle",
        "user",
        "author",
        "account",
        "author_screen_name",
        "from_user",
    ),
    "author_name": (
        "user_name",
        "author_name",
        "name",
        "display_name",
        "user_display_name",
        "author_display_name",
        "full_name",
    ),
    "author_id": ("user_id", "author_id", "user_id_str", "account_id", "from_user_id"),
    "author_followers": (
        "followers",
        "followers_count",
        "user_followers",
        "author_followers",
        "follower_count",
        "user_followers_count",
        "author_followers_count",
        "audience",
    ),
    "kind": ("kind", "type", "post_type", "tweet_type", "message_type"),
    "lang": ("lang", "language", "language_code", "lang_code"),
    "retweet_count": (
        "retweets",
        "retweet_count",
        "rts",
        "rt_count",
        "reposts",
        "repost_count",
        "shares",
        "share_count",
    ),
    "like_count": (
        "likes",
        "like_count",
        "favorites",
        "favourites",
        "favorite_count",
        "favourite_count",
        "favs",
        "hearts",
    ),
    "reply_count": ("replies", "reply_count", "comments", "comment_count"),
    "quote_count": ("quotes", "quote_count", "quote_tweets"),
    "hashtags": ("hashtags", "hashtag", "tags"),
    "mentions": ("mentions", "user_mentions", "mentioned_names", "mentioned_users"),
    "urls": ("urls", "links", "expanded_urls", "link_urls"),
    "ref_post_id": (
        "ref_post_id",
        "in_reply_to_status_id",
        "in_reply_to_status_id_str",
        "in_reply_to",
        "reply_to_id",
        "parent_id",
        "retweeted_id",
        "retweeted_status_id",
        "quoted_id",
        "quoted_status_id",
        "to_tweetid",
    ),
    "ref_author_handle": (
        "ref_author_handle",
        "in_reply_to_screen_name",
        "in_reply_to_user",
        "reply_to_user",
        "retweeted_user",
        "quoted_user",
        "to_username",
    ),
    "ref_text": ("ref_text", "quoted_text", "quoted_status_text"),
    "platform": ("platform", "network", "social_network", "site", "source_network"),
    # a single "Link" or "URL" column of an export is the post's own address
    "post_url": (
        "url",
        "post_url",
        "permalink",
        "link",
        "post_link",
        "link_to_post",
        "tweet_url",
        "status_url",
    ),
    "human_label": (
        "human_label",
        "label",
        "my_label",
        "manual_sentiment",
        "airline_sentiment",
        "sentiment_label",
        "manual_label",
    ),
    "vendor_reach": ("reach", "impressions", "potential_reach"),
}

#: Words that, within a longer column name ("Tweet Date (UTC)"), point to a field; the more
#: telling words come first, so "User Followers" is a follower count, not a handle.
_WORDS: list[tuple[str, frozenset[str]]] = [
    ("author_followers", frozenset({"followers", "follower"})),
    ("retweet_count", frozenset({"retweets", "reposts", "shares"})),
    ("like_count", frozenset({"likes", "favorites", "favourites"})),
    ("reply_count", frozenset({"replies"})),
    ("quote_count", frozenset({"quotes"})),
    ("hashtags", frozenset({"hashtags", "hashtag"})),
    ("mentions", frozenset({"mentions"})),
    ("urls", frozenset({"urls", "links"})),
    ("lang", frozenset({"lang", "language"})),
    ("created_at", frozenset({"date", "time", "timestamp", "created", "datetime", "posted", "published"})),
    ("text", frozenset({"text", "body", "message", "content"})),
    ("author_handle", frozenset({"handle", "screen", "username"})),
]


#: Words that make a column something else than any post field ("user_timezone" is no handle).
_NOT_A_FIELD = frozenset(
    {
        "timezone",
        "zone",
        "location",
        "coord",
        "coordinates",
        "place",
        "country",
        "city",
        "bio",
        "description",
        "confidence",
        "gold",
        "reason",
        "avatar",
        "image",
        "profile",
    }
)


def _word_field(words: set[str]) -> str | None:
    if words & _NOT_A_FIELD:
        return None
    if "id" in words:
        # an id is the post's only when the name says so ("Tweet ID"; not "User ID")
        return "post_id" if words & {"tweet", "post", "status"} and not words & {"user", "author"} else None
    for field, hints in _WORDS:
        if words & hints:
            return field
    if words & {"user", "author", "account"} and "name" not in words:
        return "author_handle"
    return None


def _norm(name: str) -> str:
    """``"Tweet ID"``, ``"tweetId"``, ``"tweet-id"`` -> ``"tweet_id"``."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def guess_mapping(columns: list[str] | tuple[str, ...]) -> dict[str, str]:
    """A first guess of field -> column from the column names (each column used once)."""
    normed = {col: _norm(col) for col in columns}
    used: set[str] = set()
    guess: dict[str, str] = {}
    fields = [f for f in FIELD_NAMES if f in MAPPABLE_FIELDS]
    for field in fields:
        for candidate in _EXACT.get(field, ()):
            col = next((c for c in columns if c not in used and normed[c] == candidate), None)
            if col is not None:
                guess[field] = col
                used.add(col)
                break
    # Then longer names, by the words in them.
    for col in columns:
        if col in used:
            continue
        field = _word_field(set(normed[col].split("_")))
        if field is not None and field not in guess and field in fields:
            guess[field] = col
            used.add(col)
    return guess


def map_options(guess: dict[str, str]) -> str:
    """The guess as command-line options: ``--map "tweet_id=post_id" …``."""
    return " ".join(f'--map "{col}={field}"' for field, col in guess.items())
