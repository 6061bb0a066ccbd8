"""The few whoosh 2.7.4 (and concurrent.futures) internals reader/search relies on, each pinned
by tests/test_compat.py; the rest of the package calls the functions named here.

Everything else in reader/search uses whoosh's documented API. If a whoosh release changes one
of these, tests/test_compat.py fails and names it; each function also falls back to the slow,
documented way where there is one. columns: numeric columns and field lengths read in one go;
postings: posting lists read a block at a time, and a writer's pool of postings; segments:
tables of contents, segment files, merging, whoosh's own errors; writer: the segment writer's
overrides; formats: our posting formats (pickled into every index); pools: a process pool's
workers. Importing this package changes one whoosh method (columns.derive_column_offsets_in_c).
"""

from reader.search.compat.columns import column_bytes, column_values, derive_column_offsets_in_c, length_table
from reader.search.compat.pools import pool_processes
from reader.search.compat.postings import (
    POSTING_FIELDS,
    all_postings,
    lean_pool,
    posting_ids,
    record_postings,
    release_pool,
)
from reader.search.compat.segments import (
    folder_of,
    index_segments,
    merge_into,
    raised_in_whoosh,
    segment_files,
    toc_generation,
)
from reader.search.compat.writer import HookedWriter

derive_column_offsets_in_c()  # whoosh's stored-field offsets, 1 ms per segment and searcher faster

__all__ = [
    "POSTING_FIELDS", "HookedWriter", "all_postings", "column_bytes", "column_values", "folder_of",
    "index_segments", "lean_pool", "length_table", "merge_into", "pool_processes", "posting_ids",
    "raised_in_whoosh", "record_postings", "release_pool", "segment_files", "toc_generation",
]
