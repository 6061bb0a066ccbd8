"""Write a deterministic synthetic archive in the layout of the bundled liveblog."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from reader import archive

COPIED = 0.06  # entries carried over from an earlier liveblog (half of them with a word changed)
SPELLINGS = [("Kiev", "Kyiv"), ("Marioepol", "Mariupol"), ("Charkov", "Kharkiv"),
             ("Loegansk", "Luhansk"), ("Poetin", "Putin"), ("Zelensky", "Zelenski")]


def vocabulary(source: Path) -> list[str]:
    """Return the words of the bundled archive, the raw material of generated text."""
    docs, _ = archive.load(source)
    words = []
    for doc in docs:
        for entry in doc.entries:
            words.extend(re.findall(r"[^\W\d_][\w'-]*", entry.body))
    return words


TAIL = 0.1  # with a long tail: the share of words taken from it
TAIL_SIZE = 2_000_000  # its distinct words (ranks); most are rare, as names, typos and numbers are
_SYLLABLES = ["ka", "ko", "va", "len", "mir", "sch", "ova", "enko", "berg", "ski", "ar", "del",
              "tor", "ina", "ul", "rad", "vic", "hov", "an", "zeh", "pol", "dro", "mar", "ev",
              "ste", "lin", "gor", "aja", "nik", "ost", "rud", "ham", "bel", "cz", "uk", "ia",
              "sen", "wal", "dir", "ops"]


class Generator:
    """Recombine archive words into liveblog files, the same for the same seed.

    tail=True mixes in words of a long tail (Zipf-like ranks: made-up names, one-letter typos
    of real words, numbers), as real archives have hundreds of thousands of distinct words.
    """

    def __init__(self, words: list[str], seed: int = 1, copied: float = COPIED, tail: bool = False):
        self.words = words
        self.copied = copied
        self.tail = tail
        self.rng = random.Random(seed)
        self.recent: list[str] = []  # the last entries written, that a later liveblog may carry over

    def tail_word(self) -> str:
        """Return a word of the long tail: rank r comes about 1/r as often as rank 1 (Zipf)."""
        rank = int(TAIL_SIZE ** self.rng.random())
        if rank % 11 == 0:
            return str(rank * 7 % 1_000_003)
        if rank % 5 == 0:  # a typo of a real word: one letter changed
            word = self.words[rank % len(self.words)]
            at = rank % len(word)
            return word[:at] + "qxzjvk"[rank % 6] + word[at + 1:]
        name, n = "", rank
        while True:
            name += _SYLLABLES[n % len(_SYLLABLES)]
            n //= len(_SYLLABLES)
            if not n:
                break
        return name.capitalize() if rank % 2 else name

    def sentence(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        if self.tail:
            words = [self.tail_word() if self.rng.random() < TAIL else self.rng.choice(self.words)
                     for _ in range(n)]
        else:
            words = [self.rng.choice(self.words) for _ in range(n)]
        if self.rng.random() < 0.3:
            pair = self.rng.choice(SPELLINGS)
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(pair))
        text = " ".join(words)
        return text[:1].upper() + text[1:]

    def headline(self) -> str:
        return self.sentence(4, 9).rstrip(".,:;")

    def paragraph(self) -> str:
        return " ".join(self.sentence(8, 22) + "." for _ in range(self.rng.randint(1, 3)))

    def entry(self) -> str:
        parts = [self.headline()]
        parts += [self.paragraph() for _ in range(self.rng.randint(1, 4))]
        roll = self.rng.random()
        if roll < 0.15:
            parts.append(self.headline())  # a photo or video caption
        elif roll < 0.2:
            parts.append("\n".join(f"  • AFP\n    {self.headline()}"
                                   for _ in range(self.rng.randint(2, 4))))
        return "\n\n".join(parts)

    def carried_or_new(self) -> str:
        """Return a new entry, or now and then one carried over from an earlier liveblog (never
        from the one being written: a liveblog does not repeat its own entries)."""
        if self.copied and self.recent and self.rng.random() < self.copied:
            text = self.rng.choice(self.recent)
            if self.rng.random() < 0.5:  # a word of its body changed (its layout kept)
                parts = text.split("\n\n")
                at = self.rng.randrange(1, len(parts))
                words = parts[at].split(" ")
                i = self.rng.randrange(len(words))
                if "\n" not in words[i] and words[i].isalpha():
                    words[i] = self.rng.choice(self.words)
                parts[at] = " ".join(words)
                text = "\n\n".join(parts)
            return text
        text = self.entry()
        self.written.append(text)
        return text

    def liveblog(self, date: dt.date, entries: int) -> str:
        header = [f" date {date.isoformat()} ", "liveblog", "NOS NieuwsAangepast", "",
                  f"{self.headline()} • {self.headline()}", ""]
        if self.rng.random() < 0.8:
            header += ["liveblog gesloten", ""]
        self.written: list[str] = []
        body = "\n\n".join(self.carried_or_new() for _ in range(entries))
        self.recent = [*self.recent, *self.written][-500:]
        return "\n".join(header) + "\n" + body + "\n"


def generate(target: Path, files: int, entries: int, source: Path, seed: int = 1,
             copied: float = COPIED, tail: bool = False) -> int:
    """Write `files` liveblogs of `entries` entries each under target, a `copied` share of the
    entries carried over from earlier ones (tail: with a long tail of words); return bytes written."""
    target.mkdir(parents=True, exist_ok=True)
    gen = Generator(vocabulary(source), seed, copied, tail)
    start = dt.date(2022, 2, 24)
    total = 0
    for i in range(files):
        date = start + dt.timedelta(days=(i * 365) // max(files, 1))
        text = gen.liveblog(date, entries)
        folder = target / f"{date:%Y}" / f"{date:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{i:05d}_{gen.rng.getrandbits(64):016x}.txt").write_bytes(data)
        total += len(data)
    return total
