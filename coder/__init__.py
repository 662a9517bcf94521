"""coder: turn news articles into ACLED-style event rows."""

__version__ = "0.1.0"
