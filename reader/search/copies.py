"""Which entries are copies of each other: near-identical texts in different documents, in groups.

Two entries are copies when their shingle sets (reader/search/shingles.py) have a Jaccard
similarity of at least SIMILAR, or one's set lies almost wholly (CONTAINED) in the other's and it
is at least half its size (an update with a sentence dropped); entries of the same document are
never linked. Candidates are the pairs that share a MinHash band; each is verified on the exact
sets before it is linked, and groups are the connected pairs.

What was found is kept beside the index in `copies.state` (checksummed): the entries compared
(id and fingerprint), their bands sorted, and the verified pairs. Bringing it up to date compares
only the entries it has not seen (a new file's, an edited entry's) with the others; an entry gone
takes its pairs with it. A missing or damaged file is worked out again from the index.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reader.search import entries, fast, segment_arrays
from reader.search.entries import EntryTable
from reader.search.manifest import DERIVED
from reader.search.prepared import Prepared
from reader.search.segment_arrays import ArraysDamaged
from reader.search.shingles import BANDS, NO_BAND

STATE = DERIVED[0]  # "copies.state", in the format of the postings arrays (segment_arrays.write)
SIMILAR = 0.5
CONTAINED, SMALLER = 0.9, 0.5
# members of one band value a new entry is compared with: the first MAX_BUCKET kept, the first
# FIRST new ones (hundreds of copies of one boilerplate text are connected, not all compared)
MAX_BUCKET, FIRST = 16, 3


@dataclass(frozen=True)
class CopyGroups:
    """The copy groups of an index's live entries, by document number (whoosh's docnum)."""

    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # -1: none
    members: tuple[np.ndarray, ...] = ()  # per group, its docnums (ascending)

    def of(self, docnum: int) -> np.ndarray:
        """Return the docnums of a document's group (itself included), or just itself."""
        g = int(self.group[docnum]) if 0 <= docnum < len(self.group) else -1
        return self.members[g] if g >= 0 else np.array([docnum], dtype=np.int64)

    def label(self, docnums: np.ndarray) -> np.ndarray:
        """Return a story label per docnum: its group's number, or (ungrouped) one of its own."""
        if not len(self.group):
            return -1 - np.asarray(docnums, dtype=np.int64)
        g = self.group[docnums]
        return np.where(g >= 0, g, -1 - np.asarray(docnums, dtype=np.int64))

    @property
    def grouped(self) -> int:
        """How many entries have a copy."""
        return int(np.count_nonzero(self.group >= 0))


@dataclass
class _State:
    eid: np.ndarray  # int64, ascending: the entries compared
    fingerprint: np.ndarray  # int64, aligned with eid
    keys: np.ndarray  # uint64, ascending: band number << 32 | band value
    member: np.ndarray  # int64: the index into eid of each key's entry
    pairs: np.ndarray  # int64 (n, 2): verified copies, as eids


def _empty_state() -> _State:
    i8 = np.zeros(0, dtype=np.int64)
    return _State(i8, i8, np.zeros(0, dtype=np.uint64), i8, np.zeros((0, 2), dtype=np.int64))


def load(folder: Path) -> _State | None:
    """Return the kept state of an index folder, None when missing or damaged."""
    try:
        _count, a = segment_arrays.read(folder / STATE)
        state = _State(a["eid"], a["fingerprint"], a["keys"], a["member"], a["pairs"].reshape(-1, 2))
    except (ArraysDamaged, KeyError, ValueError):
        return None
    n = len(state.eid)
    if (len(state.fingerprint) != n or len(state.keys) != len(state.member)
            or (len(state.member) and (state.member.min() < 0 or state.member.max() >= n))):
        return None
    return state


def _save(folder: Path, state: _State) -> None:
    arrays = {"eid": state.eid, "fingerprint": state.fingerprint, "keys": state.keys,
              "member": state.member, "pairs": state.pairs.ravel()}
    with contextlib.suppress(OSError):  # a read-only index: worked out again next time
        segment_arrays.write(folder / STATE, len(state.eid), arrays)


def refresh(ix, folder: Path) -> None:
    """Bring the kept copies of an index folder (whoosh index ix) up to date: a build or sync
    ends with it, so the first search after it need not."""
    with ix.searcher() as searcher:
        try:
            arrays = fast.IndexArrays(searcher, folder)
        except ArraysDamaged:  # (repaired at the next sync; searches use the kept pairs meanwhile)
            return
        try:
            table = entries.entry_table(searcher, Prepared(searcher, lambda: arrays))
            groups(folder, table, searcher.doc_count_all(), arrays.copy_bands, arrays.shingle_set)
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


def groups(folder: Path, table: EntryTable, size: int, bands, shingle_set, write: bool = True
           ) -> CopyGroups:
    """Return the copy groups of the live entries `table` lists (of an index of `size` docnums),
    bringing the kept state up to date first. bands(docnums) gives their bands (n x BANDS) and
    shingle_set(docnum) one's shingles, both from the postings arrays; None for both: there are
    none (the kept pairs of the entries still there are used as they are)."""
    state = load(folder) or _empty_state()
    order = np.argsort(table.eid, kind="stable")
    live_eid, live_fp, live_doc = table.eid[order], table.fingerprint[order], table.docnum[order]
    live_owner = table.owner[order]
    if bands is not None:
        new_state = _update(state, live_eid, live_fp, live_doc, live_owner, bands, shingle_set)
        if new_state is not state:
            state = new_state
            if write:
                _save(folder, state)
    return _connect(state.pairs, live_eid, live_doc, size)


def _update(state: _State, eid, fp, doc, owner, bands, shingle_set) -> _State:
    """Return the state brought in line with the live entries (eid ascending), or `state` itself
    when nothing changed."""
    at = np.minimum(np.searchsorted(state.eid, eid), max(len(state.eid) - 1, 0))
    known = (state.eid[at] == eid) & (state.fingerprint[at] == fp) if len(state.eid) else \
        np.zeros(len(eid), dtype=bool)
    keep = np.zeros(len(state.eid), dtype=bool)
    keep[at[known]] = True
    if known.all() and keep.all():
        return state
    # the kept entries, renumbered into the new eid order (every live entry, ascending)
    renumber = np.full(len(state.eid), -1, dtype=np.int64)
    renumber[at[known]] = np.flatnonzero(known)
    kept_keys = keep[state.member] if len(state.member) else np.zeros(0, dtype=bool)
    old_keys, old_member = state.keys[kept_keys], renumber[state.member[kept_keys]]
    pairs = state.pairs[_both_in(state.pairs, state.eid[keep])]
    fresh = np.flatnonzero(~known)
    new_keys, new_member = _keys(bands(doc[fresh]), fresh)
    candidates = [_against(old_keys, old_member, new_keys, new_member),
                  _among(new_keys, new_member)]
    found = np.unique(np.concatenate(candidates), axis=0) if any(len(c) for c in candidates) else \
        np.zeros((0, 2), dtype=np.int64)
    found = found[owner[found[:, 0]] != owner[found[:, 1]]] if len(found) else found
    verified = [(eid[a], eid[b]) for a, b in found.tolist() if _copies(shingle_set(int(doc[a])),
                                                                       shingle_set(int(doc[b])))]
    if verified:
        pairs = np.concatenate([pairs, np.sort(np.array(verified, dtype=np.int64), axis=1)])
    keys = np.concatenate([old_keys, new_keys])
    member = np.concatenate([old_member, new_member])
    by = np.argsort(keys, kind="stable")
    return _State(eid.copy(), fp.copy(), keys[by], member[by], pairs)


def _keys(bands: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the (band << 32 | value) keys of entries' bands, ascending, and whose each is."""
    if not len(members):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    number = np.broadcast_to(np.arange(BANDS, dtype=np.uint64), bands.shape)
    keys = (number << np.uint64(32)) | bands.astype(np.uint64)
    owner = np.broadcast_to(members[:, None], bands.shape)
    real = bands != NO_BAND
    keys, owner = keys[real], owner[real]
    by = np.argsort(keys, kind="stable")
    return keys[by], owner[by]


def _against(keys, member, new_keys, new_member) -> np.ndarray:
    """Return the (old, new) member pairs that share a band value."""
    if not len(keys) or not len(new_keys):
        return np.zeros((0, 2), dtype=np.int64)
    lo, hi = np.searchsorted(keys, new_keys, "left"), np.searchsorted(keys, new_keys, "right")
    hi = np.minimum(hi, lo + MAX_BUCKET)
    width = hi - lo
    which = np.repeat(np.arange(len(new_keys)), width)
    pos = np.repeat(lo - np.concatenate(([0], np.cumsum(width)[:-1])), width) + np.arange(width.sum())
    return _ordered(member[pos], new_member[which])


def _among(keys, member) -> np.ndarray:
    """Return the member pairs among entries whose sorted keys are equal: each with the one
    before it and with the first FIRST of its run (enough to connect a run of true copies)."""
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    at = np.arange(len(keys))
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    run = np.repeat(starts, np.diff(np.append(starts, len(keys))))
    out = [_ordered(member[at[1:][run[1:] == run[:-1]] - 1], member[at[1:][run[1:] == run[:-1]]])]
    for k in range(FIRST):
        later = at[at - run > k + 1]
        out.append(_ordered(member[run[later] + k], member[later]))
    return np.concatenate(out)


def _ordered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    pairs = np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1).astype(np.int64)
    return pairs[pairs[:, 0] != pairs[:, 1]]


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


def _connect(pairs: np.ndarray, eid: np.ndarray, doc: np.ndarray, size: int) -> CopyGroups:
    """Return the groups the pairs connect, among the live entries (eid ascending, their docnums)."""
    pairs = pairs[_both_in(pairs, eid)]
    group = np.full(size, -1, dtype=np.int64)
    if not len(pairs):
        return CopyGroups(group, ())
    ends = doc[np.searchsorted(eid, pairs)]
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in ends.tolist():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    nodes = np.array(sorted({int(x) for x in ends.ravel().tolist()}), dtype=np.int64)
    roots = np.array([root(int(x)) for x in nodes], dtype=np.int64)
    labels, number = np.unique(roots, return_inverse=True)
    group[nodes] = number
    by = np.argsort(number, kind="stable")
    bounds = np.searchsorted(number[by], np.arange(len(labels) + 1))
    members = tuple(nodes[by][bounds[i]:bounds[i + 1]] for i in range(len(labels)))
    return CopyGroups(group, members)
