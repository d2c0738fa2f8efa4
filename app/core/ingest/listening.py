"""Social-listening exports: which columns each tool writes, and which post field each holds.

Brandwatch Consumer Research, Meltwater, Talkwalker and Sprinklr export the mentions a search
found as tables (CSV, often UTF-16 and tab-separated, or .xlsx, some with title rows above the
header). A file is recognised by a set of columns only that tool writes, and read through the
tool's own mapping below. Where the column lists come from is in tests/fixtures/README.md.

Column names are compared without case, spaces or punctuation, so "Sender Followers Count"
and "SenderFollowersCount" (both seen in Sprinklr exports) are one column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


@dataclass(frozen=True)
class Vendor:
    name: str
    label: str
    #: columns (normalised) that together say the file is this tool's
    signature: frozenset[str]
    #: post field -> the tool's column names for it, most specific first
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: what the tool cannot tell, for the README and the report
    note: str = ""
    #: the tool writes sentiment as a score (Talkwalker: -5 … 5) rather than a word
    numeric_sentiment: bool = False


VENDORS: dict[str, Vendor] = {
    "listening-brandwatch": Vendor(
        "Brandwatch Consumer Research",
        "Brandwatch Consumer Research export",
        frozenset({"queryid", "queryname", "fulltext", "pagetype"}),
        {
            "post_url": ("Url",),
            # Resource Id is Brandwatch's own number: the id comes from the post's Url
            "created_at": ("Date",),
            "text": ("Full Text", "Snippet", "Title"),
            "author_handle": ("Author",),
            "author_name": ("Full Name",),
            "author_id": ("X Author ID", "Twitter Author ID"),
            "author_followers": ("X Followers", "Twitter Followers"),
            "vendor_reach": ("Reach (new)", "Impressions", "Potential Audience"),
            "platform": ("Page Type",),
            "kind": ("Thread Entry Type",),
            "ref_post_id": ("X Repost of", "Twitter Retweet of", "X Reply to", "Twitter Reply to"),
            "lang": ("Language",),
            "retweet_count": ("X Reposts", "Twitter Retweets"),
            "like_count": ("X Likes", "Twitter Likes"),
            "reply_count": ("X Replies", "Twitter Reply Count"),
            "hashtags": ("Hashtags",),
            "mentions": ("Mentioned Authors",),
            "urls": ("Expanded URLs",),
            "vendor_sentiment": ("Sentiment",),
        },
        "ids from the post's Url (X, Bluesky, Mastodon) or Brandwatch's Resource Id; times carry no zone",
    ),
    "listening-meltwater": Vendor(
        "Meltwater",
        "Meltwater export",
        frozenset({"hitsentence", "openingtext", "influencer"}),
        {
            "post_url": ("URL",),
            "post_id": ("Tweet Id", "Document ID"),
            "created_at": ("Date",),
            "time_of_day": ("Time",),
            "text": ("Hit Sentence", "Opening Text", "Headline"),
            "author_handle": ("Author Handle", "Influencer"),
            "author_name": ("Author Name",),
            "author_id": ("Twitter Id",),
            "vendor_reach": ("Reach", "Estimated Views"),
            "platform": ("Source", "Source Type"),
            "lang": ("Language",),
            "like_count": ("Likes",),
            "reply_count": ("Replies",),
            "retweet_count": ("Reposts", "Shares"),
            "hashtags": ("Hashtags",),
            "vendor_sentiment": ("Sentiment",),
        },
        "no follower counts (Reach is Meltwater's estimate, kept as vendor_reach); times carry no zone",
    ),
    "listening-talkwalker": Vendor(
        "Talkwalker",
        "Talkwalker export",
        frozenset({"published", "content", "url", "sourcetype"}),
        {
            "post_url": ("url",),
            "post_id": ("external_id", "id"),
            "created_at": ("published",),
            "text": ("content", "title"),
            "author_handle": ("extra_author_attributes.short_name",),
            "author_name": ("extra_author_attributes.name",),
            "author_id": ("extra_author_attributes.id",),
            "author_followers": (
                "source_extended_attributes.twitter_followers",
                "article_extended_attributes.twitter_followers",
            ),
            "vendor_reach": ("reach",),
            "platform": ("source_type",),
            "kind": ("post_type",),
            "lang": ("lang",),
            "retweet_count": ("article_extended_attributes.twitter_retweets",),
            "like_count": ("article_extended_attributes.twitter_likes",),
            "reply_count": ("article_extended_attributes.twitter_replies",),
            "vendor_sentiment": ("sentiment",),
        },
        "sentiment as a score (−5 … 5), read by its sign",
        numeric_sentiment=True,
    ),
    "listening-sprinklr": Vendor(
        "Sprinklr",
        "Sprinklr export",
        frozenset({"senderscreenname", "permalink", "createdtime"}),
        {
            "post_url": ("Permalink",),
            "post_id": ("Tweet Id", "Message Id"),
            "created_at": ("CreatedTime", "Created Time"),
            "text": ("Message", "Conversation Stream"),
            "author_handle": ("SenderScreenName", "Sender Screen Name"),
            "author_name": ("SenderListedName", "Sender Listed Name", "User Name"),
            "author_followers": ("Sender Followers Count", "Sender Follower Count"),
            "platform": ("SocialNetwork", "Social Network"),
            "kind": ("MessageType", "Message Type"),
            "lang": ("Language",),
            "retweet_count": ("Retweets",),
            "like_count": ("Favorites", "Likes"),
            "vendor_sentiment": ("Sentiment",),
        },
        "times carry no zone",
    ),
}


def recognise(columns: tuple[str, ...] | list[str]) -> str | None:
    """The listening tool whose columns these are, or None."""
    have = {norm(c) for c in columns}
    for key, vendor in VENDORS.items():
        if vendor.signature <= have:
            return key
    return None


#: Fields a tool spreads over several columns, one per case (Brandwatch: "Twitter Retweet of",
#: "Twitter Reply to"): the first non-empty one of the row is taken.
SEVERAL = {"ref_post_id"}


def mapping(vendor_key: str, columns: tuple[str, ...] | list[str]) -> dict[str, str | tuple[str, ...]]:
    """field -> the file's column (or columns, for :data:`SEVERAL`), for the columns of the
    tool's mapping the file has."""
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(norm(c), c)
    out: dict[str, str | tuple[str, ...]] = {}
    for f, names in VENDORS[vendor_key].fields.items():
        present = [by_norm[norm(n)] for n in names if norm(n) in by_norm]
        if present:
            out[f] = tuple(present) if f in SEVERAL and len(present) > 1 else present[0]
    return out
