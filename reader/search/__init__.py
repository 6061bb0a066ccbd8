"""Full-text search: the only package that imports whoosh; whoosh objects never leave it."""

from reader.search.analysis import Variants
from reader.search.highlight import mark, match_spans
from reader.search.index import SearchIndex
from reader.search.manifest import IndexDamaged, Manifest
from reader.search.updating import IndexBusy, IndexReport, IndexStopped, Progress, ProgressFn

__all__ = [
    "IndexBusy", "IndexDamaged", "IndexReport", "IndexStopped", "Manifest", "Progress", "ProgressFn",
    "SearchIndex", "Variants", "mark", "match_spans",
]
