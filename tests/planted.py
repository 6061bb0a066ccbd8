"""Archives with planted copies and planted non-copies, generated from a seed (for copy detection).

Stories are sentences of words drawn from the bundled archive's vocabulary; each planted copy is
a story put into another document with one kind of edit, each distractor a new story that shares
one sentence, one quote or only the headline with an existing one. What should be found comes
back as groups of (file, position) pairs: the entry at that position of that file's thread.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent / "archive"
EDITS = ("same", "words", "added", "dropped", "punctuation", "headline")
DISTRACTORS = ("sentence", "quote", "headline")


def vocabulary() -> list[str]:
    """Return the bundled archive's words of five letters or more, in a fixed order."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(BUNDLED.glob("*.txt")))
    return sorted({w.lower() for w in re.findall(r"[^\W\d_]{5,}", text)})


@dataclass
class Story:
    headline: str
    sentences: list[str]

    def lines(self) -> list[str]:
        half = (len(self.sentences) + 1) // 2
        return [self.headline, " ".join(self.sentences[:half]), " ".join(self.sentences[half:])]


@dataclass
class Planted:
    """What was planted: every group of copies and every distractor, as (file, position)."""

    groups: list[set[tuple[str, int]]] = field(default_factory=list)
    distractors: list[tuple[tuple[str, int], tuple[str, int]]] = field(default_factory=list)
    kinds: dict[tuple[str, int], str] = field(default_factory=dict)  # a copy's edit

    def pairs(self) -> set[frozenset]:
        """Return every pair of entries that are copies."""
        return {frozenset((a, b)) for g in self.groups for a in g for b in g if a < b}


class _Writer:
    def __init__(self, rng: random.Random, words: list[str]):
        self.rng, self.words = rng, words

    def sentence(self) -> str:
        picked = self.rng.choices(self.words, k=self.rng.randint(9, 16))
        return " ".join(picked).capitalize() + "."

    def story(self) -> Story:
        headline = " ".join(self.rng.choices(self.words, k=self.rng.randint(4, 7))).capitalize()
        return Story(headline, [self.sentence() for _ in range(self.rng.randint(3, 5))])

    def edit(self, story: Story, kind: str) -> Story:
        s = list(story.sentences)
        if kind == "words":  # two or three words changed
            for _ in range(self.rng.randint(2, 3)):
                i = self.rng.randrange(len(s))
                parts = s[i].rstrip(".").split(" ")
                parts[self.rng.randrange(len(parts))] = self.rng.choice(self.words)
                s[i] = " ".join(parts).capitalize() + "."
        elif kind == "added":
            s.insert(self.rng.randrange(len(s) + 1), self.sentence())
        elif kind == "dropped":
            del s[self.rng.randrange(len(s))]
        elif kind == "punctuation":  # other case and punctuation
            s = [x.upper().replace(".", "!") if i % 2 else x.lower().replace(" ", ", ", 1)
                 for i, x in enumerate(s)]
        elif kind == "headline":
            return Story(" ".join(self.rng.choices(self.words, k=5)).capitalize(), s)
        return Story(story.headline, s)


def write_archive(folder: Path, seed: int = 1, files: int = 12, stories: int = 10,
                  copies: int = 24, distractors: int = 18) -> Planted:
    """Write an archive of text files in the bundled liveblog layout into folder; return what
    was planted in it."""
    rng = random.Random(seed)
    w = _Writer(rng, vocabulary())
    docs: list[list[Story]] = [[w.story() for _ in range(stories)] for _ in range(files)]
    planted = Planted()
    originals = [(f, i) for f in range(files) for i in range(stories)]
    rng.shuffle(originals)
    groups: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for n in range(copies):  # a third of the stories copied get a second copy
        f, i = originals[n % (copies * 2 // 3)]
        story = docs[f][i]
        target = rng.choice([t for t in range(files) if t != f])
        kind = EDITS[n % len(EDITS)]
        docs[target].append(w.edit(story, kind))
        at = (target, len(docs[target]) - 1)
        groups.setdefault((f, i), {(f, i)}).add(at)
        planted.kinds[(_name(at[0]), at[1])] = kind
    for n in range(distractors):
        f, i = originals[copies + n]
        story, kind = docs[f][i], DISTRACTORS[n % len(DISTRACTORS)]
        other = w.story()
        if kind == "sentence":
            other.sentences[rng.randrange(len(other.sentences))] = story.sentences[0]
        elif kind == "quote":
            quoted = story.sentences[1].rstrip(".")
            other.sentences[0] = f"Een woordvoerder zei: \"{quoted}\", aldus het bericht."
        else:
            other = Story(story.headline, other.sentences)
        target = rng.choice([t for t in range(files) if t != f])
        docs[target].append(other)
        planted.distractors.append(((_name(f), i), (_name(target), len(docs[target]) - 1)))
    planted.groups = [{(_name(f), i) for f, i in g} for g in groups.values()]
    folder.mkdir(parents=True, exist_ok=True)
    for f, entries in enumerate(docs):
        body = "\n\n".join(line for story in entries for line in story.lines())
        text = f"liveblog\nNOS NieuwsAangepast\n\nVerslag nummer {f + 1}\n\nliveblog gesloten\n\n{body}\n"
        (folder / _name(f)).write_text(text, encoding="utf-8")
    return planted


def _name(f: int) -> str:
    return f"{f:03d}_planted.txt"
