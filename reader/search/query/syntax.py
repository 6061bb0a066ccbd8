"""The query language: a forgiving parser from what a user types to a small query tree.

Words (all must match), "phrases", OR, -word / NOT, prefix*, word~ (fuzzy), the fields
headline:, title:, body:, captions:, date:, and is:new (a flag of the whole query: only entries
new since the reader last read). It never raises: whatever it had to ignore or change is
described in `notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = {"headline": "headline", "title": "title", "body": "content", "caption": "content",
          "captions": "content", "text": "content", "date": "date", "kop": "headline",
          "titel": "title"}
MAX_ATOMS = 64
MAX_DEPTH = 8
MIN_PREFIX = 3


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    mode: str = "word"  # word | prefix | fuzzy
    distance: int = 1


@dataclass(frozen=True)
class Phrase:
    words: str
    field: str | None = None


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Word | Phrase | Not | And | Or


FLAGS = {"new"}  # is:new


@dataclass
class Parsed:
    node: Node | None
    notes: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)  # is:… flags: they narrow the whole query


_TOKEN = re.compile(r'\s+|[()]|"[^"]*"?|[^\s()"]+')


def _lex(text: str, notes: list[str]) -> list[str]:
    tokens = [t for t in _TOKEN.findall(text) if t.strip()]
    out = []
    for t in tokens:
        if t.startswith('"') and (len(t) == 1 or not t.endswith('"')):
            notes.append("Ignored an unmatched quote.")
            t = t.strip('"')
            out.extend(t.split())
            continue
        out.append(t)
    return out


class _Parser:
    def __init__(self, tokens: list[str], notes: list[str]):
        self.tokens = tokens
        self.i = 0
        self.notes = notes
        self.flags: set[str] = set()
        self.atoms = 0
        self.truncated = False

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        self.i += 1
        return self.tokens[self.i - 1]

    def parse_or(self, depth: int) -> Node | None:
        parts = [self.parse_and(depth)]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and(depth))
        kept = [p for p in parts if p is not None]
        if len(parts) > 1 and len(kept) < len(parts):
            self.notes.append("Ignored an OR with nothing on one side.")
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def parse_and(self, depth: int) -> Node | None:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok != "OR":
            if tok == ")":
                if depth == 0:
                    self.take()
                    self.notes.append("Ignored an unmatched ')'.")
                    continue
                break
            if tok == "AND":
                self.take()
                continue
            node = self.parse_unary(depth)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self, depth: int) -> Node | None:
        tok = self.take()
        negate = False
        if tok == "NOT":
            nxt = self.peek()
            if nxt is None or nxt in ("OR", ")"):
                self.notes.append("Ignored a NOT with nothing after it.")
                return None
            negate, tok = True, self.take()
        elif tok.startswith("-") and len(tok) > 1:
            negate, tok = True, tok[1:]
        if negate and tok.lower().startswith("is:"):
            self.notes.append(f"'{tok}' cannot be left out; ignored it.")
            return None
        elif tok.startswith("+") and len(tok) > 1:
            tok = tok[1:]
        elif tok in ("-", "+"):
            return None
        node = self.parse_atom(tok, depth)
        if node is None:
            if negate:
                self.notes.append("Ignored a NOT with nothing after it.")
            return None
        return Not(node) if negate else node

    def parse_atom(self, tok: str, depth: int) -> Node | None:
        if tok == "(":
            node = self.parse_or(depth + 1)
            if self.peek() == ")":
                self.take()
            else:
                self.notes.append("Closed an unmatched '('.")
            return node
        if tok == ")":
            return None
        if tok.lower().startswith("is:"):
            flag = tok[3:].lower()
            if flag in FLAGS:
                self.flags.add(flag)
            else:
                self.notes.append(f"'{tok}' is not a flag (is:new is); ignored it.")
            return None
        if self.atoms >= MAX_ATOMS:
            if not self.truncated:
                self.notes.append(f"The query is long; used its first {MAX_ATOMS} words.")
                self.truncated = True
            return None
        self.atoms += 1
        fieldname = None
        match = re.match(r"^([A-Za-z]+):(.*)$", tok)
        if match and match.group(1).lower() in FIELDS:
            if not match.group(2):
                self.notes.append(f"'{tok}' needs a word after it; ignored it.")
                return None
            fieldname, tok = FIELDS[match.group(1).lower()], match.group(2)
        if tok.startswith('"'):
            words = tok.strip('"').strip()
            return Phrase(words, fieldname) if words else None
        return self.word(tok, fieldname)

    def word(self, tok: str, fieldname: str | None) -> Node | None:
        mode, distance = "word", 1
        fuzzy = re.match(r"^(.*?)~(\d*)$", tok)
        if fuzzy:
            tok, mode = fuzzy.group(1), "fuzzy"
            distance = min(int(fuzzy.group(2) or 1), 2) or 1
        if "*" in tok or "?" in tok:
            stem = re.split(r"[*?]", tok, maxsplit=1)[0]
            if not stem.strip("*?"):
                self.notes.append(f"A wildcard needs letters before it; ignored '{tok}'.")
                return None
            if tok.rstrip("*") != stem:
                self.notes.append(f"Only a trailing * is supported; searched '{stem}*'.")
            mode = "prefix"
            tok = stem
            if len(tok) < MIN_PREFIX and fieldname != "date":
                self.notes.append(f"'{tok}*' is too short for a prefix search "
                                  f"({MIN_PREFIX} letters or more); searched '{tok}' as a word.")
                mode = "word"
        tok = tok.strip()
        if not tok or not re.search(r"\w", tok):
            return None
        return Word(tok, fieldname, mode, distance)


def parse(text: str) -> Parsed:
    """Parse a query string; never raises."""
    notes: list[str] = []
    text = (text or "")[:10_000]
    tokens = _lex(text, notes)
    if _depth(tokens) > MAX_DEPTH:
        notes.append("Parentheses nested too deep; ignored them.")
        tokens = [t for t in tokens if t not in ("(", ")")]
    parser = _Parser(tokens, notes)
    node = None
    while parser.peek() is not None:
        part = parser.parse_or(0)
        if parser.peek() == ")":
            parser.take()
            notes.append("Ignored an unmatched ')'.")
        if part is not None:
            node = part if node is None else And((node, part))
    if node is not None and _only_negative(node):
        notes.append("Add a word to look for: a query of only excluded words finds nothing.")
        node = None
    return Parsed(node, list(dict.fromkeys(notes)), parser.flags)


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    if isinstance(node, Or):
        return any(_only_negative(c) for c in node.children)
    return False


def _depth(tokens: list[str]) -> int:
    depth = deepest = 0
    for t in tokens:
        depth += (t == "(") - (t == ")")
        deepest = max(deepest, depth)
    return deepest
