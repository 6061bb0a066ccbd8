"""Whoosh's posting lists: read a block at a time, with deleted documents, and as a segment writer
writes them (its pool of postings)."""

from __future__ import annotations

from collections.abc import Iterable

# A posting as whoosh's PostingPool holds it and SegmentWriter._flush_segment writes it, sorted:
# (field name, term as UTF-8 bytes, document number, weight, encoded value)
POSTING_FIELDS = ("field", "term", "doc", "weight", "value")
Postings = Iterable[tuple]


def posting_ids(matcher) -> list[int]:
    """Return every document number of a term's posting list, a block at a time.

    whoosh's leaf matcher decodes a block of ids into `_ids` (`_read_ids`), steps with `_i`
    and moves on with `_next_block`; stepping one id at a time is three times slower.
    Short posting lists are stored inline and have no blocks: they go the documented way.
    """
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_next_block", "_ids", "_i")):
        return list(matcher.all_ids())
    out: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        out.extend(matcher._ids[matcher._i:])
        matcher._next_block()
    return out


def all_postings(reader, fieldname: str, text: bytes):
    """Return a segment reader's matcher over a term's postings, those of deleted documents too.

    SegmentReader.postings wraps the segment's matcher in a FilterMatcher that leaves out
    deleted documents (`.child` is the matcher it wraps, already moved past the first deleted
    ones: reset() takes it back to the start); whoosh's statistics count them.
    """
    from whoosh.matching import FilterMatcher

    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
        matcher.reset()
    return matcher


def record_postings(writer, tee) -> None:
    """Make a segment writer pass the postings it writes through tee(postings) -> postings.

    whoosh's SegmentWriter._flush_segment writes `self.pool.iter_postings()` (sorted by field,
    term and document: the documents added and those merged in) into the new segment.
    """
    pool = writer.pool
    original = pool.iter_postings
    pool.iter_postings = lambda: tee(original())


def release_pool(writer) -> None:
    """Let go of a segment writer's postings once they are written (call after _flush_segment).

    The pool keeps every posting in `current` (hundreds of MB for a big segment) as long as the
    writer lives; and the hooks above (record_postings, lean_pool) refer back to the pool,
    which would keep it for the garbage collector's next full pass.
    """
    pool = writer.pool
    pool.__dict__.pop("add", None)
    pool.__dict__.pop("iter_postings", None)
    pool.current = []


def lean_pool(writer, limit_items: int = 800_000) -> None:
    """Give a segment writer's posting pool a leaner `add` (a fifth of whoosh's cost).

    whoosh's PostingPool.add asserts each posting's types, adds it to a set of field names
    nothing reads and estimates its size in bytes, to spill sorted runs to disk past `limitmb`.
    This one appends and spills past limit_items postings (about 128 MB of them).
    whoosh's SegmentWriter.add_document looks up `self.pool.add` once per document.
    """
    pool = writer.pool
    held = [0]

    def add(item: tuple) -> None:
        pool.current.append(item)
        held[0] += 1
        if held[0] > limit_items:
            pool.save()
            held[0] = 0

    pool.add = add
