"""Incident Timeline Explorer: rebuild how a social-media crisis unfolded from a post archive."""

__version__ = "0.1.0"
