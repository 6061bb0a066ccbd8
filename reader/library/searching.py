"""The index as a Library gives it: kept up to date (IndexControl), and asked (Search)."""

from __future__ import annotations

from collections.abc import Callable

from reader import archive
from reader.library.documents import Documents
from reader.library.reading import ReadingRecord
from reader.model import Copy, DocRef, Filters, Hit, SearchResult
from reader.search import IndexReport, ProgressFn, SearchIndex, Variants, match_spans, set_dates_of


class IndexControl:
    """Building, syncing and stopping the index of one archive, and what it holds."""

    def __init__(self, index: SearchIndex, documents: Documents):
        self._index, self._documents = index, documents

    def searchable(self) -> bool:
        """Return True when there is an index to search (complete, or a build's committed part)."""
        return self._index.directory() is not None

    def needs_update(self) -> bool:
        """Return True if the index is missing or the archive's files changed since it was built."""
        if self._index.problem() is not None:
            return True
        manifest = self._index.manifest()
        if manifest is None:
            return True
        set_dates = self._documents.set_dates()
        for rel, m in manifest.files.items():
            if m.set_dates != set_dates_of(set_dates, rel):
                return True
        current = set()
        root = self._documents.archive_dir
        for rel in archive.scan(root):
            current.add(rel)
            m = manifest.known(rel)
            try:
                st = (root / rel).stat()
            except OSError:
                if m is None or m.size != -1:
                    return True
                continue
            if m is None or m.stamp() != (st.st_size, st.st_mtime_ns):
                return True
            if m.parser != archive.parser_version(rel):  # read by readers that changed since
                return True
        return current != set(manifest.files) | set(manifest.problems)

    def update(self, rebuild: bool = False, progress: ProgressFn | None = None) -> IndexReport:
        """Build or sync the index (raises IndexBusy if another process is updating it)."""
        return self._index.update(rebuild=rebuild, progress=progress, set_dates=self._documents.set_dates())

    def summary(self) -> IndexReport:
        """Return what the index holds (documents, entries, files skipped) without updating it."""
        return self._index.summary()

    def stop(self) -> None:
        """Stop a running index update at the next file or chunk (the program is closing).

        What was committed is kept; the next update carries on from there.
        """
        self._index.stop()

    def doc_count(self) -> int:
        """Return how many entries are indexed."""
        return self._index.doc_count()

    def arrays_in_use(self) -> bool:
        """Return True when queries are answered from the postings arrays; False when they are
        answered by whoosh alone (slower: the arrays are missing or damaged, and the next
        update repairs them, or the library was made with arrays=False)."""
        return self._index.arrays_in_use()


class Search:
    """Queries over the index: call it to search (library.search("…")); timelines, snippets,
    the entries of one document that match, copies of a story."""

    def __init__(self, index: SearchIndex, variants: Variants, reading: ReadingRecord):
        self._index, self._variants, self._reading = index, variants, reading

    def __call__(self, text: str, limit: int = 20, sort: str = "relevance",
                 filters: Filters | None = None, snippets: int | None = None,
                 cancelled: Callable[[], bool] | None = None, timeline: bool | str = False) -> SearchResult:
        """Answer a query, narrowed by filters (dates, one document: applied to the whole query,
        whatever its shape); raise IndexDamaged if the index cannot be read (it needs a rebuild).

        snippets=N builds snippets for the first N hits only (with_snippets adds the others'
        when they are shown); a search whose cancelled() turns true raises SearchCancelled;
        timeline=True (or "day", "week", "month") adds the hits over time (result.timeline).
        Copies of one story in several documents are one hit (hit.copies names the others;
        result.stories counts them); Filters(all_copies=True) makes every copy a hit of its own.
        """
        new = self._reading.catch_up().new_eids if _asks_new(text, filters) else None
        return self._index.query(text, self._variants, limit, sort, filters, snippets, cancelled,
                                 timeline, new, not (filters and filters.all_copies))

    def timeline(self, text: str, by: str | None = None, filters: Filters | None = None) -> SearchResult:
        """Return a query's answer with its hits over time, by day, week or month (None: chosen
        from the range); result.timeline's counts add up to result.stories (each story once, on
        the day it first appeared), or result.total with Filters(all_copies=True)."""
        return self(text, limit=1, filters=filters, snippets=0, timeline=by or True)

    def with_snippets(self, result: SearchResult, hits: list[Hit]) -> list[Hit]:
        """Return hits of result with their snippets built."""
        return self._index.with_snippets(result, hits)

    def matching_entries(self, text: str, document: DocRef) -> set[str]:
        """Return the ids of a document's entries that match a query (for marks in a thread)."""
        new = self._reading.catch_up().new_eids if _asks_new(text, None) else None
        return self._index.matching_ids(text, self._variants, document, new)

    def copies_of(self, entry_ids: list[str]) -> dict[str, tuple[Copy, ...]]:
        """Return, for those of these entries that have copies in other documents, the copies
        (earliest first; Copy.first marks where the story first appeared, if not here)."""
        return self._index.copies_of(entry_ids)

    @staticmethod
    def match_spans(text: str, result: SearchResult) -> list[tuple[int, int]]:
        """Return where a result's query terms (all variant spellings too) occur in text."""
        stem = [t for kind, t in result.terms if kind == "stem"]
        exact = [t for kind, t in result.terms if kind == "exact"]
        return match_spans(text, stem, exact)


def _asks_new(text: str, filters: Filters | None) -> bool:
    """Return True when a query wants the new entries only (is:new, or the filter)."""
    return "is:new" in text.lower() or bool(filters and filters.new_only)
