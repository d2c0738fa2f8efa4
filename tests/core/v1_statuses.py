"""Writing Twitter v1.1 statuses for tests: the shape the streaming API writes, with the
fields the importer reads (followers left out means unknown)."""

from __future__ import annotations

import zlib
from datetime import datetime, timezone


def v1_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def status(
    post_id: str,
    t: float,
    handle: str,
    text: str,
    followers: int | None = None,
    *,
    retweet_of: dict | None = None,
    reply_to: dict | None = None,
    quote_of: dict | None = None,
    lang: str = "en",
    hashtags: tuple[str, ...] = (),
    retweets: int | None = None,
    likes: int | None = None,
) -> dict:
    """One v1.1 status as the streaming API writes it (followers omitted = unknown)."""
    user = {"id_str": str(zlib.crc32(handle.lower().encode())), "screen_name": handle, "name": handle.title()}
    if followers is not None:
        user["followers_count"] = followers
    s = {
        "created_at": v1_time(t),
        "id_str": post_id,
        "text": text,
        "user": user,
        "lang": lang,
        "entities": {"hashtags": [{"text": h} for h in hashtags], "user_mentions": [], "urls": []},
    }
    if retweets is not None:
        s["retweet_count"] = retweets
    if likes is not None:
        s["favorite_count"] = likes
    if retweet_of is not None:
        s["text"] = f"RT @{retweet_of['user']['screen_name']}: {retweet_of['text']}"
        s["retweeted_status"] = retweet_of
    if reply_to is not None:
        s["in_reply_to_status_id_str"] = reply_to["id_str"]
        s["in_reply_to_screen_name"] = reply_to["user"]["screen_name"]
    if quote_of is not None:
        s["quoted_status_id_str"] = quote_of["id_str"]
        s["quoted_status"] = quote_of
    return s
