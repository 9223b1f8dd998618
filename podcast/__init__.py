"""Turn a written takeaways digest into a podcast episode and feed, offline."""

__version__ = "0.1.0"
