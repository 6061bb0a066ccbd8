"""Which entries are copies of each other: near-identical texts in different documents, in groups.

Two entries are copies when their shingle sets (reader/search/arrays/shingles.py) have a Jaccard
similarity of at least SIMILAR, or one's set lies almost wholly (CONTAINED) in the other's and it
is at least half its size (an update with a sentence dropped); entries of the same document are
never linked. Candidates are the pairs that share a MinHash band (candidates.py); those whose
sketches agree on at least SKETCH_MIN of SKETCH minima (an estimated similarity of 0.25) are
verified on the exact sets before they are linked, and groups are the connected pairs.

What was found is kept beside the index in `copies.state` (checksummed): the entries compared, by
id and text fingerprint, the verified pairs and the groups; a searcher reads it when it first
folds. Bringing it up to date compares only the entries not compared before (a new file's, an
edited entry's) with the bands of every entry, read from the postings arrays; when many are new
(a first build), all are compared with each other by sorting their bands. An entry gone takes
its pairs with it; a missing or damaged file is worked out again from the index.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reader.search.arrays import candidates, entries, fast, segment_arrays
from reader.search.arrays.prepared import Prepared
from reader.search.arrays.segment_arrays import ArraysDamaged
from reader.search.manifest import DERIVED

STATE = DERIVED[0]  # "copies.state", in segment_arrays.write's format
SIMILAR = 0.5
CONTAINED, SMALLER = 0.9, 0.5
ALL_AT_ONCE = 0.2  # when more than this share of the entries is new, all are compared at once
_I8 = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class CopyGroups:
    """The copy groups of an index's live entries, by document number (whoosh's docnum)."""

    group: np.ndarray = field(default_factory=lambda: _I8)  # per docnum: its group, -1 none
    order: np.ndarray = field(default_factory=lambda: _I8)  # docnums, group by group
    bounds: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    @property
    def count(self) -> int:
        """How many groups there are."""
        return len(self.bounds) - 1

    def of(self, docnum: int) -> np.ndarray:
        """Return the docnums of a document's group (itself included), or just itself."""
        g = int(self.group[docnum]) if 0 <= docnum < len(self.group) else -1
        return self.order[self.bounds[g]:self.bounds[g + 1]] if g >= 0 else np.array([docnum])

    def label(self, docnums: np.ndarray) -> np.ndarray:
        """Return a story label per docnum: its group's number, or (ungrouped) one of its own."""
        if not len(self.group):
            return -1 - np.asarray(docnums, dtype=np.int64)
        g = self.group[docnums]
        return np.where(g >= 0, g, -1 - np.asarray(docnums, dtype=np.int64))

    @property
    def grouped(self) -> int:
        """How many entries have a copy."""
        return len(self.order)


@dataclass(frozen=True)
class Sources:
    """What copies are worked out from, by docnum: bands (also as kept, segment by segment),
    sketches and shingles (the postings arrays), and owners() each entry's document (a number;
    entries of one are never copies)."""

    bands: Callable[..., np.ndarray]  # (docnums, which=slice(None)): those bands of them
    band_tables: Callable[[], Iterable[tuple[int, np.ndarray]]]
    sketch: Callable[[np.ndarray], np.ndarray]
    shingle_set: Callable[[int], np.ndarray]
    owners: Callable[[], np.ndarray]


@dataclass
class State:
    """The copy groups as kept in copies.state: the entries compared, the pairs found, the groups."""

    eid: np.ndarray  # int64, ascending: the entries compared
    fingerprint: np.ndarray  # int64, aligned with eid
    pairs: np.ndarray  # int64 (n, 2): verified copies, as eids
    members: np.ndarray  # int64: the eids of the grouped entries, group by group
    bounds: np.ndarray  # int64: where each group starts in members, and the end
    # the docnums the entries had when it was saved (aligned with eid; empty if not known): a
    # searcher of that index finds its entries without sorting them again
    doc: np.ndarray = field(default_factory=lambda: _I8)
    # the members' docnums, as saved with doc (empty if not known): a searcher need not look
    # each member up among a million ids (30 ms at 1M entries)
    member_doc: np.ndarray = field(default_factory=lambda: _I8)

    def current(self, eid_by_doc: np.ndarray, fingerprint_by_doc: np.ndarray, live: np.ndarray) -> bool:
        """Return True when the saved docnums are still exactly the live entries, with these
        ids and texts (the ids ascending and unique, so the docnums are all different)."""
        doc = self.doc
        return (len(doc) == len(self.eid) == int(np.count_nonzero(live))
                and (not len(doc) or (int(doc.min()) >= 0 and int(doc.max()) < len(live)))
                and bool(np.all(live[doc])) and np.array_equal(eid_by_doc[doc], self.eid)
                and np.array_equal(fingerprint_by_doc[doc], self.fingerprint))


def _empty() -> State:
    return State(_I8, _I8, np.zeros((0, 2), dtype=np.int64), _I8, np.zeros(1, dtype=np.int64))


def load(folder: Path) -> State | None:
    """Return the kept state of an index folder, None when missing or damaged."""
    try:
        _count, a = segment_arrays.read(folder / STATE)
        state = State(a["eid"], a["fingerprint"], a["pairs"].reshape(-1, 2), a["members"], a["bounds"],
                       a.get("doc", _I8), a.get("member_doc", _I8))
    except (ArraysDamaged, KeyError, ValueError):
        return None
    ok = (len(state.fingerprint) == len(state.eid) and len(state.bounds) >= 1
          and state.bounds[0] == 0 and state.bounds[-1] == len(state.members)
          and np.all(np.diff(state.eid) > 0) and np.all(np.diff(state.bounds) >= 0)
          and len(state.doc) in (0, len(state.eid))
          and len(state.member_doc) in (0, len(state.members) if len(state.doc) else 0))
    return state if ok else None


def save(folder: Path, state: State) -> None:
    """Write the kept state into an index folder (as an arrays file, checksummed)."""
    with contextlib.suppress(OSError):  # a read-only index: worked out again next time
        segment_arrays.write(folder / STATE, len(state.eid), {
            "eid": state.eid, "fingerprint": state.fingerprint, "pairs": state.pairs.ravel(),
            "members": state.members, "bounds": state.bounds, "doc": state.doc,
            "member_doc": state.doc[np.searchsorted(state.eid, state.members)]
            if len(state.doc) and len(state.members) else _I8})


def sources_of(searcher, prepared: Prepared, arrays: fast.IndexArrays) -> Sources:
    """Return what the postings arrays of a searcher give copies to be worked out from."""

    def owners() -> np.ndarray:
        if prepared.entries is None:
            prepared.entries = entries.entry_table(searcher, prepared)
        table = prepared.entries
        out = np.full(arrays.size, -1, dtype=np.int64)
        out[table.docnum] = table.owner
        return out

    return Sources(arrays.copy_bands, arrays.band_tables, arrays.copy_sketch, arrays.shingle_set, owners)


def refresh(ix, folder: Path) -> None:
    """Bring the kept copies of an index folder (whoosh index ix) up to date: a build or sync
    ends with it, so the first search after it need not."""
    with ix.searcher() as searcher:
        try:
            arrays = fast.IndexArrays(searcher, folder)
        except ArraysDamaged:  # (repaired at the next sync; searches use the kept pairs meanwhile)
            return
        try:
            prepared = Prepared(searcher, lambda: arrays)
            groups(folder, prepared.column("eid"), prepared.column("fingerprint"), arrays.live,
                   sources_of(searcher, prepared, arrays))
        finally:
            arrays.close()


def refresh_folder(folder: Path) -> None:
    """Bring the kept copies of the index in a folder up to date (refresh, opening it)."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder))
    try:
        refresh(ix, folder)
    finally:
        ix.close()


def groups(folder: Path, eid_by_doc: np.ndarray, fingerprint_by_doc: np.ndarray, live: np.ndarray,
           sources: Sources | None) -> CopyGroups:
    """Return the copy groups of the live entries of an index (its eid and fingerprint columns,
    which docnums are live), bringing the kept state up to date first when it is not and sources
    are given; without them, the kept pairs of the entries still there are used as they are."""
    state = load(folder)
    if state is not None and state.current(eid_by_doc, fingerprint_by_doc, live):
        return _grouped((state.members, state.bounds), state.eid, state.doc, len(live),
                        state.member_doc if len(state.member_doc) else None)
    docs = np.flatnonzero(live)
    order = np.argsort(eid_by_doc[docs])  # (ids are unique)
    doc = docs[order]
    eid, fp = eid_by_doc[doc], fingerprint_by_doc[doc]
    current = state is not None and np.array_equal(state.eid, eid) and np.array_equal(state.fingerprint, fp)
    if not current:
        if sources is None:
            pairs = state.pairs if state is not None else np.zeros((0, 2), dtype=np.int64)
            return _grouped(_connect(pairs[_both_in(pairs, eid)]), eid, doc, len(live))
        state = _update(state or _empty(), eid, fp, doc, sources, len(live))
        save(folder, state)
    elif sources is not None:  # the same entries under other docnums (segments merged): noted
        state.doc = doc.copy()
        save(folder, state)
    return _grouped((state.members, state.bounds), eid, doc, len(live))


def _grouped(grouping: tuple[np.ndarray, np.ndarray], eid: np.ndarray, doc: np.ndarray, size: int,
             member_doc: np.ndarray | None = None) -> CopyGroups:
    """Return groups (their members' eids, group by group, and bounds) by docnum (member_doc:
    the members' docnums, when known)."""
    members, bounds = grouping
    group = np.full(size, -1, dtype=np.int64)
    if (member_doc is not None and len(member_doc) == len(members)
            and (not len(members) or (int(member_doc.min()) >= 0 and int(member_doc.max()) < size))):
        at = member_doc
    else:
        at = doc[np.searchsorted(eid, members)] if len(members) else _I8
    group[at] = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    return CopyGroups(group, at, bounds)


def _update(state: State, eid, fp, doc, sources: Sources, size: int) -> State:
    """Return the state brought in line with the live entries (eid ascending, their
    fingerprints and docnums, of size docnums in all): only the entries not compared before are
    compared."""
    at = np.minimum(np.searchsorted(state.eid, eid), max(len(state.eid) - 1, 0))
    known = (state.eid[at] == eid) & (state.fingerprint[at] == fp) if len(state.eid) else \
        np.zeros(len(eid), dtype=bool)
    fresh = np.flatnonzero(~known)
    screen = _screen(sources, doc)
    if len(fresh) > ALL_AT_ONCE * len(eid):  # (a first build): every entry with every other
        pairs = np.zeros((0, 2), dtype=np.int64)
        found = candidates.among(lambda which: sources.bands(doc, which), screen)
    else:
        keep = np.zeros(len(state.eid), dtype=bool)
        keep[at[known]] = True
        pairs = state.pairs[_both_in(state.pairs, state.eid[keep])]
        row_of = np.full(size, -1, dtype=np.int64)
        row_of[doc] = np.arange(len(doc))
        found = candidates.against(sources.bands(doc[fresh]), fresh, sources.band_tables(), row_of)
        found = screen(found) if len(found) else found
    if len(found):
        found = candidates.unique_pairs(found, len(doc))
        verified = [(eid[a], eid[b]) for a, b in found.tolist()
                    if _copies(sources.shingle_set(int(doc[a])), sources.shingle_set(int(doc[b])))]
        if verified:
            pairs = np.concatenate([pairs, np.sort(np.array(verified, dtype=np.int64), axis=1)])
    members, bounds = _connect(pairs)
    return State(eid.copy(), fp.copy(), pairs, members, bounds, doc.copy())


def _screen(sources: Sources, doc: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Return a function that keeps the pairs of rows (entries doc[row]) that may be copies:
    of different documents, their sketches alike (what they need is read at its first use)."""
    known: dict[str, np.ndarray] = {}

    def screen(pairs: np.ndarray) -> np.ndarray:
        if not known:
            known["owner"], known["sketch"] = sources.owners()[doc], sources.sketch(doc)
        owner = known["owner"]
        pairs = pairs[owner[pairs[:, 0]] != owner[pairs[:, 1]]]
        return candidates.alike(pairs, known["sketch"])

    return screen


def _copies(a: np.ndarray, b: np.ndarray) -> bool:
    """Return True when two shingle sets (ascending, unique) are near-identical."""
    small, large = sorted((len(a), len(b)))
    if not small or small < SIMILAR * large and small < SMALLER * large:
        return False
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter >= SIMILAR * (small + large - inter) or (
        inter >= CONTAINED * small and small >= SMALLER * large)


def _both_in(pairs: np.ndarray, eids: np.ndarray) -> np.ndarray:
    """Return which pairs have both eids among `eids` (ascending)."""
    if not len(pairs):
        return np.zeros(0, dtype=bool)
    if not len(eids):
        return np.zeros(len(pairs), dtype=bool)
    at = np.minimum(np.searchsorted(eids, pairs), len(eids) - 1)
    return (eids[at] == pairs).all(axis=1)


def _connect(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the groups the pairs (of eids) connect: their members' eids group by group (each
    group's smallest eid first), and where each group starts (and the end)."""
    if not len(pairs):
        return _I8, np.zeros(1, dtype=np.int64)
    nodes, inverse = np.unique(pairs, return_inverse=True)
    a, b = inverse.reshape(-1, 2).T
    label = np.arange(len(nodes))
    while True:  # every node takes the smallest label next to it, then its label's label
        low = np.minimum(label[a], label[b])
        step = label.copy()
        np.minimum.at(step, a, low)
        np.minimum.at(step, b, low)
        step = step[step]
        if np.array_equal(step, label):
            break
        label = step
    _labels, number = np.unique(label, return_inverse=True)
    by = np.argsort(number, kind="stable")
    bounds = np.searchsorted(number[by], np.arange(len(_labels) + 1)).astype(np.int64)
    return nodes[by], bounds
