"""The colours and names of the timeline's series, shared by the window's plots and the
printed reports so that a chart reads the same on screen and on paper.

Plain ``#rrggbb`` strings, no Qt: a renderer makes its own colour objects from them.
"""

from __future__ import annotations

#: one colour and one legend name per kind of post (``app.core.metrics.KINDS``)
KIND_COLOURS = {"post": "#3b6fb6", "reply": "#4f9d69", "quote": "#8e6bbf", "retweet": "#e08a2e"}
KIND_LABELS = {"post": "Original posts", "reply": "Replies", "quote": "Quotes", "retweet": "Retweets"}

#: the sentiment plot: shares of negative and positive posts, the mean score
NEGATIVE = "#c8453b"
POSITIVE = "#3f8f5a"
MEAN = "#1f2d3d"

#: the reach plot: exposure per bin, cumulative exposure and unique audience
EXPOSURE = "#5b8bd0"
CUMULATIVE = "#d06b2c"
UNIQUE = "#7a4fa3"

#: the time cursor and the turning points drawn at it
CURSOR = "#d62f6f"
