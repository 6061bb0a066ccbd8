"""Data derived from each whoosh segment, kept beside it: posting arrays, entry table, copy groups."""
