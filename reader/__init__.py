"""Liveblog Reader: read, search, bookmark and export an offline archive of news liveblogs."""

__version__ = "0.1.0"
