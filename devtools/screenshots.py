"""Save PNG screenshots of the main views (`make screenshots`), offscreen, into docs/."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from reader import defaults
from reader.model import DocRef
from reader.ui.app import build_window
from reader.ui.window.theme import apply_theme

LIVEBLOG = DocRef("000_d2297999e083d57d.txt")


def _settle(window, ms: int = 300) -> None:
    loop = QEventLoop()
    deadline = QTimer(singleShot=True, interval=20_000)
    deadline.timeout.connect(loop.quit)
    poll = QTimer(interval=20)
    poll.timeout.connect(lambda: window.tasks.pending() == 0 and not window.controller.updating()
                         and loop.quit())
    deadline.start()
    poll.start()
    loop.exec()
    pause = QEventLoop()
    QTimer.singleShot(ms, pause.quit)
    pause.exec()


def shoot(target: Path) -> list[Path]:
    """Save the screenshots into target; return their paths."""
    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    target.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as data:
        window = _open(Path(data))
        window.open_document(LIVEBLOG)
        _settle(window)
        lib = window.library
        for query, note in (("Marioepol staalfabriek", "Illich-fabriek"),
                            ("Frederiksen", "Gas uit de Noordzee, niet uit Rusland")):
            hit = lib.search(query).hits[0]
            lib.bookmarks.add(hit.id, note=note, tags=["bronnen"])
        window.refresh_bookmarks()
        _settle(window)
        window.pane.view.setFocus()
        window.pane.go_to(lib.search("Frederiksen").hits[0].id)
        _settle(window)
        saved.append(_save(window, target / "screenshot-thread.png"))
        _search_and_open(window, "Mariupol")
        saved.append(_save(window, target / "screenshot-search.png"))
        window.tabs.setCurrentIndex(2)
        _settle(window)
        saved.append(_save(window, target / "screenshot-bookmarks.png"))
        window.close()
        window.controller.shutdown()
        saved.append(_timed(Path(data), target / "screenshot-timed.png"))
        saved.append(_catching_up(Path(data), target / "screenshot-new.png"))
        saved.append(_timeline(Path(data), target / "screenshot-timeline.png"))
        saved.append(_copies(Path(data), target / "screenshot-copies.png"))
        dark = _open(Path(data))
        dark.set_theme("dark")  # View → Theme → Dark
        _search_and_open(dark, "Kyiv")
        saved.append(_save(dark, target / "screenshot-dark.png"))
        dark.close()
        dark.controller.shutdown()
    return saved


BLOCKS = [  # (time, title, text, key event, pinned): an example liveblog in the Guardian API's shape
    ("2022-04-19T05:10:00Z", "Samenvatting", "Welkom bij ons liveblog over de oorlog in Oekraïne. Dit zijn "
     "de belangrijkste ontwikkelingen van de nacht.", True, True),
    ("2022-04-19T06:02:00Z", "", "In Kiev klonk vanochtend opnieuw luchtalarm.", False, False),
    ("2022-04-19T08:40:00Z", "Offensief in het oosten begonnen", "De Oekraïense president zegt dat het "
     "Russische offensief in de Donbas is begonnen.", True, False),
    ("2022-04-19T10:15:00Z", "Corridor bij Marioepol", "Er is een humanitaire corridor geopend voor "
     "burgers die de stad willen verlaten.", False, False),
    ("2022-04-19T11:45:00Z", "Burgemeester: duizenden in de stad", "Volgens de burgemeester van "
     "Marioepol zijn er nog duizenden inwoners in de stad.<figure><figcaption>Rook boven de "
     "Azovstal-fabriek</figcaption></figure>", True, False),
    ("2022-04-19T13:05:00Z", "Nieuwe sancties besproken", "De EU-ministers spreken over een nieuw "
     "pakket sancties.", False, False),
]


def _timed(data: Path, path: Path) -> Path:
    """A liveblog with times, key events and a pinned summary (Guardian API JSON), as a screenshot."""
    import json

    folder = data / "timed"
    folder.mkdir()
    blocks = [{"id": f"b{n}", "title": title, "bodyHtml": f"<p>{text}</p>", "firstPublishedDate": when,
               "attributes": {"keyEvent": key, "pinned": pinned}}
              for n, (when, title, text, key, pinned) in enumerate(BLOCKS)]
    item = {"type": "liveblog", "webTitle": "Oorlog in Oekraïne: het offensief in het oosten",
            "webPublicationDate": "2022-04-19T05:10:00Z", "webUrl": "https://example.invalid/liveblog",
            "blocks": {"body": blocks}}
    (folder / "liveblog.json").write_text(json.dumps({"response": {"content": item}}), encoding="utf-8")
    window = build_window(folder, data / "timed-data")
    window.resize(1360, 860)
    window.show()
    window.start()
    _settle(window)
    window.pane.view.setFocus()
    shot = _save(window, path)
    window.close()
    window.controller.shutdown()
    return shot


NEW_POSTS = [  # written after the reader last read: the thread's divider goes above them
    ("Luchtalarm in het westen", "In Lviv en omgeving klonk vanavond opnieuw luchtalarm; inwoners "
     "werden gevraagd om te schuilen."),
    ("Nieuwe evacuatiepoging", "Een nieuwe poging om burgers uit het belegerde gebied te halen begint "
     "morgenochtend, zegt de vicepremier."),
]


def _catching_up(data: Path, path: Path) -> Path:
    """The bundled liveblog read, then grown by two entries: the list's count and the divider."""
    import shutil

    folder = data / "catching-up"
    shutil.copytree(defaults.BUNDLED_ARCHIVE, folder)
    window = build_window(folder, data / "catching-up-data")
    window.resize(1360, 860)
    window.show()
    window.start()
    _settle(window)
    window.library.reading.mark_read(LIVEBLOG)
    blog = folder / LIVEBLOG.file
    head, rest = blog.read_text(encoding="utf-8").split("liveblog gesloten\n\n", 1)
    posts = "".join(f"{title}\n\n{text}\n\n" for title, text in reversed(NEW_POSTS))
    blog.write_text(f"{head}liveblog gesloten\n\n{posts}{rest}", encoding="utf-8")
    window.controller.sync()
    _settle(window, 1500)
    window.pane.show_placeholder("")
    window.open_document(LIVEBLOG)
    _settle(window)
    window.pane.view.setFocus()
    shot = _save(window, path)
    window.close()
    window.controller.shutdown()
    return shot


def _timeline(data: Path, path: Path) -> Path:
    """The timeline of a query's hits over a generated archive of 2,000 liveblogs (a year)."""
    from reader.bench.generate import generate

    folder = data / "year"
    generate(folder, files=2000, entries=5, source=defaults.BUNDLED_ARCHIVE)
    window = build_window(folder, data / "year-data")
    window.resize(1360, 860)
    window.show()
    window.start()
    _settle(window)
    window.search_bar.set_query("Mariupol")
    _settle(window)
    hit = window.result.hits[0]
    window.open_document(hit.document, hit.id)
    _settle(window)
    shot = _save(window, path)
    window.close()
    window.controller.shutdown()
    return shot


def _copies(data: Path, path: Path) -> Path:
    """The bundled archive beside a next day's liveblog that carries four of its entries over
    (one lightly edited): a search's hits folded, the first listed with its copies."""
    import shutil

    from reader.library import Library

    folder = data / "copies"
    shutil.copytree(defaults.BUNDLED_ARCHIVE, folder)
    doc = Library(folder, data / "copies-data").documents.get(LIVEBLOG)
    carried = [[e.headline or "", *e.paragraphs] for e in doc.entries[1:5]]
    carried[1][1] = carried[1][1].replace(" de ", " deze ", 2)  # lightly edited on the way
    body = "\n\n".join(line for lines in carried for line in lines if line)
    (folder / "005_dag_2.txt").write_text(f"liveblog\nNOS NieuwsAangepast\n\nDe oorlog in Oekraïne, dag 2"
                                          f"\n\nliveblog gesloten\n\n{body}\n", encoding="utf-8")
    window = build_window(folder, data / "copies-data")
    window.resize(1360, 860)
    window.show()
    window.start()
    _settle(window)
    window.search_bar.set_query("Azovstal")
    _settle(window)
    row = next(i for i, h in enumerate(window.result.hits) if h.copies)
    window.results.toggle_copies(row, True)
    hit = window.result.hits[row]
    window.open_document(hit.document, hit.id)
    _settle(window)
    window.results.view.setFocus()
    shot = _save(window, path)
    window.close()
    window.controller.shutdown()
    return shot


def _open(data: Path):
    window = build_window(defaults.BUNDLED_ARCHIVE, data)
    window.resize(1360, 860)
    window.show()
    window.start()
    _settle(window)
    return window


def _search_and_open(window, text: str) -> None:
    """Search, then open the first liveblog hit in the pane."""
    window.search_bar.set_query(text)
    _settle(window)
    hit = next(h for h in window.result.hits if h.document == LIVEBLOG)
    window.open_document(hit.document, hit.id)
    _settle(window)


def _save(window, path: Path) -> Path:
    window.grab().save(str(path))
    return path


if __name__ == "__main__":
    for p in shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(p)
