"""Plain frozen dataclasses the rest of the program passes around; no I/O here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

CAPTION_LABEL = "Photo/video"  # what a caption is called wherever it is shown
LEAD = "Lead"  # what an entry without a headline (an article's opening) is called wherever it is shown


@dataclass(frozen=True, order=True)
class DocRef:
    """Which document: an archive file (relative to the archive, '/'-separated) and, for a file
    that holds several documents (a web archive's pages, a news-API search's items), the key of
    one of them ("" for a file's only document). Any file name works, "#" and "%" included:
    the two parts are kept apart everywhere a document is named, stored or compared."""

    file: str
    key: str = ""

    def __str__(self) -> str:
        """Return the document as a reader sees it named: the file, or "file#key"."""
        return f"{self.file}#{self.key}" if self.key else self.file

    def token(self) -> str:
        """Return the document as one string that no other DocRef gives (to store it as a term)."""
        return json.dumps([self.file, self.key], ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_token(cls, token: str) -> DocRef:
        """Return the DocRef of a token() string."""
        file, key = json.loads(token)
        return cls(file, key)


@dataclass(frozen=True)
class Caption:
    """A photo or video caption; `credit` is the agency of a gallery item (e.g. AFP)."""

    text: str
    credit: str | None = None

    @property
    def label(self) -> str:
        """What the caption is called wherever it is shown: "Photo/video", or "Photo · AFP"."""
        return f"Photo · {self.credit}" if self.credit else CAPTION_LABEL


@dataclass(frozen=True)
class Entry:
    """One liveblog post or one article section."""

    id: str
    headline: str | None
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...]
    position: int
    time: str | None = None  # when it was posted: ISO 8601 with the source's offset, as given
    key_event: bool = False  # the source marks it as a key event (or a summary)
    pinned: bool = False  # the source keeps it on top
    author: str | None = None
    modified: str | None = None  # when the source last changed it, as given
    earlier: tuple[str, ...] = ()  # its text in earlier captures, when it was edited since

    @property
    def edited(self) -> bool:
        return bool(self.earlier)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def caption_text(self) -> str:
        return "\n".join(c.text for c in self.captions)

    @property
    def fingerprint(self) -> int:
        """Return a number for the entry's text as it is now (60 bits of its SHA-1): an entry seen
        with another fingerprint was edited since."""
        return int(hashlib.sha1(self.plain_text().encode("utf-8", "surrogatepass")).hexdigest()[:15], 16)

    def plain_text(self) -> str:
        """Return headline, paragraphs and captions as readable text."""
        parts = [self.headline] if self.headline else []
        parts.extend(self.paragraphs)
        parts.extend(f"[{c.label}] {c.text}" for c in self.captions)
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Document:
    """A parsed archive file (or one of a file's several): a liveblog or an update article."""

    ref: DocRef
    title: str
    kind: str  # "liveblog" | "article"
    date: str | None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    closed: bool
    entries: tuple[Entry, ...]
    site: str | None = None
    problems: tuple[str, ...] = ()
    source_url: str | None = None  # the page it was saved from, when the file says
    captures: tuple[str, ...] = ()  # when each merged capture was made (web archives), oldest first
    date_source: str | None = None  # where `date` came from: file | set | capture | path | text (dates.py)
    date_note: str | None = None  # why, for a date not from the file ("inferred from '19 april' …")

    def entry(self, entry_id: str) -> Entry | None:
        """Return the entry with this id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)


@dataclass(frozen=True)
class DocumentInfo:
    """What the document list needs of a document, kept in the index manifest (no parsing)."""

    ref: DocRef
    title: str
    kind: str
    date: str | None
    closed: bool
    entries: int
    source_url: str | None = None
    captures: int = 0  # captures merged (web archives)
    key_events: int = 0
    date_source: str | None = None  # file | set | capture | path | text (reader/dates.py)
    date_note: str | None = None
    site: str | None = None

    @classmethod
    def of(cls, doc: Document) -> DocumentInfo:
        """Return the summary of a parsed document."""
        return cls(doc.ref, doc.title, doc.kind, doc.date, doc.closed, len(doc.entries), doc.source_url,
                   len(doc.captures), sum(e.key_event for e in doc.entries), doc.date_source,
                   doc.date_note, doc.site)


@dataclass(frozen=True)
class Problem:
    """A file that could not be read (or was read with a caveat), and why."""

    path: str
    reason: str
    skipped: bool = True  # False: read in part (its documents are there; the reason says what not)

    def __str__(self) -> str:
        return f"{self.path}: {'' if self.skipped else 'read in part: '}{self.reason}"


@dataclass(frozen=True)
class Copy:
    """Another document's copy of an entry (a near-identical text; reader/search/arrays/copies.py)."""

    id: str
    document: DocRef
    title: str
    date: str | None  # the copy's own time, else its document's date
    first: bool = False  # the earliest of its group: where the story first appeared


@dataclass(frozen=True)
class Hit:
    """One search result, converted from the index before the searcher closes."""

    id: str
    document: DocRef
    title: str
    headline: str | None
    date: str | None
    position: int
    score: float
    snippet: str  # plain text around the matches (front ends mark them using `spans`)
    spans: tuple[tuple[int, int], ...] = ()  # (start, end) of each match within `snippet`
    headline_spans: tuple[tuple[int, int], ...] = ()  # matches within `headline`
    snippet_ready: bool = True  # False: asked for without a snippet (Library.search.with_snippets adds it)
    time: str | None = None  # the entry's own time, as the source gives it
    key_event: bool = False
    pinned: bool = False
    author: str | None = None
    source_url: str | None = None  # the page its document was saved from
    date_source: str | None = None  # where `date` came from: file | set | capture | path | text
    copies: tuple[Copy, ...] = ()  # its copies in other documents (folded into this hit), earliest first


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its text, applied to whatever the text asks (never added to
    it): entries dated within a range (a year, month or day, either end open), one document,
    the new entries only; and whether every copy of a story is a hit of its own."""

    after: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD": entries of then or later
    before: str | None = None  # entries of then or earlier
    document: DocRef | None = None
    new_only: bool = False  # only entries new since the reader last read (as is:new)
    all_copies: bool = False  # every copy a hit (else one hit per story, carrying its copies)

    @property
    def dated(self) -> bool:
        return bool(self.after or self.before)


@dataclass(frozen=True)
class Bucket:
    """One bar of a timeline: the day, week (from its Monday) or month it starts on, and counts."""

    start: str  # "YYYY-MM-DD"
    count: int
    key_events: int = 0


@dataclass(frozen=True)
class Timeline:
    """How many hits (or documents) fall on each day, week or month; the undated ones apart."""

    unit: str  # "day" | "week" | "month"
    buckets: tuple[Bucket, ...]
    undated: int = 0  # no date at this precision (e.g. a month only, in a timeline by day)

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets) + self.undated


@dataclass(frozen=True)
class SearchResult:
    """The answer to one query."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    variants: dict[str, dict[str, int]] = field(default_factory=dict)
    message: str | None = None
    suggestion: str | None = None
    # the analysed query terms, for highlighting: ("stem", term) or ("exact", word) pairs
    terms: tuple[tuple[str, str], ...] = ()
    partial: bool = False  # the index was still being built when this answered
    timeline: Timeline | None = None  # the hits over time, when asked for
    stories: int | None = None  # distinct stories among the matches (copies counted once)
    folded: bool = False  # hits are one per story (each with its copies); else one per entry


@dataclass(frozen=True)
class Bookmark:
    """A saved entry with the reader's note and tags, and a snapshot of its text."""

    entry_id: str
    created: str  # ISO 8601, UTC
    note: str
    tags: tuple[str, ...]
    document: DocRef
    title: str
    headline: str | None
    text: str
    date: str | None = None
    in_archive: bool = True
    archive: str = ""  # the archive folder it belongs to (bookmarks of every archive share a file)
