"""Full-text search: the only package that imports whoosh; whoosh objects never leave it."""

from reader.search import compat  # noqa: F401 - (its import-time change to whoosh, first)
from reader.search.analysis import Variants
from reader.search.index import SearchIndex
from reader.search.indexing.updating import IndexBusy, IndexReport, IndexStopped, Progress, ProgressFn
from reader.search.manifest import IndexDamaged, Manifest, set_dates_of
from reader.search.query.highlight import mark, match_spans
from reader.search.query.querying import SearchCancelled

__all__ = [
    "IndexBusy", "IndexDamaged", "IndexReport", "IndexStopped", "Manifest", "Progress", "ProgressFn",
    "SearchCancelled", "SearchIndex", "Variants", "mark", "match_spans", "set_dates_of",
]
