"""The colours of the app, in one Qt-free place: the window's plots and the report's charts
read them here, so the printed timeline reads like the screen's.

Okabe and Ito's qualitative palette underlies the series (told apart by readers with
colour-blindness, and in grey on paper); the ink colours are the report's.
"""

from __future__ import annotations

KIND_COLOURS = {"post": "#3b6fb6", "reply": "#4f9d69", "quote": "#8e6bbf", "retweet": "#e08a2e"}
KIND_LABELS = {"post": "Original posts", "reply": "Replies", "quote": "Quotes", "retweet": "Retweets"}

NEGATIVE = "#c8453b"
POSITIVE = "#3f8f5a"
CALIBRATED = "#7a1f17"
MEAN = "#1f2d3d"
EXPOSURE = "#5b8bd0"
CUMULATIVE = "#d06b2c"
UNIQUE = "#7a4fa3"
CURSOR = "#d62f6f"
TURNING_POINT = "#d62f6f"
OVERVIEW = "#7f8ea3"
GAP = "#b9c2cc"

INK = "#1f2d3d"
MUTED = "#5f6b7a"
RULE = "#c9d1db"
SHADE = "#eef2f6"
ACCENT = "#2c4f7c"
PAPER = "#ffffff"
