"""veracity: check the factual claims of news articles against evidence you control."""

__version__ = "0.1.0"
