"""Archive text is shown as text in every widget that could guess rich text: a page with markup in
every field it can set, and a file named with markup, read as the window shows them."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from reader.ui.window import dialogs
from tests.ui.qt_text import shown
from tests.ui.test_window import search

# each field of the page holds its own marker, as markup that decodes to text (<b>VET3</b>)
FIELDS = ["headline", "name", "update headline", "update body", "author", "site", "caption", "note"]
MARK = {field: f"<b>VET{n}</b>" for n, field in enumerate(FIELDS)}
FILE = "<b>VET9 liveblog.html"  # a file may be named so, too (no "/" in a name)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _page() -> str:
    update = {"@type": "BlogPosting", "headline": _escaped(MARK["update headline"]),
              "articleBody": f"De zebra liep weg. {_escaped(MARK['update body'])}",
              "author": {"@type": "Person", "name": _escaped(MARK["author"])},
              "image": {"@type": "ImageObject", "caption": _escaped(MARK["caption"])},
              "datePublished": "2022-04-19T10:00:00+02:00", "url": "https://x.invalid/live#u1"}
    blog = {"@context": "https://schema.org", "@type": "LiveBlogPosting",
            "headline": _escaped(MARK["headline"]), "name": _escaped(MARK["name"]),
            "publisher": {"@type": "Organization", "name": _escaped(MARK["site"])},
            "datePublished": "2022-04-19T06:00:00+02:00", "liveBlogUpdate": [update]}
    return (f"<html><head><script type='application/ld+json'>{json.dumps(blog)}</script></head>"
            f"<body><p>x</p></body></html>")


def _literal(shown: list[str]) -> None:
    """Wherever a marker is shown, its markup is shown with it, as text."""
    for text in shown:
        for n in range(10):
            if f"VET{n}" in text:
                assert f"<b>VET{n}" in text, (n, text)


def _labels(widget) -> list[str]:
    return [shown(label.text(), label.textFormat()) for label in widget.findChildren(QLabel)]


def test_markup_in_every_field_is_shown_as_text(qtbot, make_window, tmp_path, monkeypatch):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "live.html").write_text(_page(), encoding="utf-8")
    (folder / FILE).write_bytes(b"")  # empty: named in the status bar and Archive Problems
    window = make_window(folder)
    qtbot.waitUntil(lambda: "indexed" in window.status.text())
    texts = [shown(window.status.label.text(), window.status.label.textFormat()),
             shown(window.status.label.toolTip())]
    docs = window.documents.model
    texts += [shown(docs.data(docs.index(r), Qt.ItemDataRole.ToolTipRole) or "")
              for r in range(docs.rowCount())]
    result = search(qtbot, window, "zebra")
    hits = window.results.model
    texts += [shown(hits.data(hits.index(r), Qt.ItemDataRole.ToolTipRole)) for r in range(hits.rowCount())]
    window.open_document(result.hits[0].document, result.hits[0].id)
    qtbot.waitUntil(lambda: window.pane.document is not None)
    texts += [shown(window.pane.header.toolTip()), *_labels(window.pane)]
    window.library.bookmarks.annotate(result.hits[0].id, note=MARK["note"])
    window.refresh_bookmarks()
    marks = window.marks_panel.model
    qtbot.waitUntil(lambda: marks.rowCount() == 1)
    texts.append(shown(marks.data(marks.index(0), Qt.ItemDataRole.ToolTipRole)))
    assert sum("VET" in s for s in texts) >= 6  # the markers are there to be seen
    _literal(texts)

    seen: list[str] = []

    def read_dialog_then_close() -> None:
        dialog = QApplication.activeModalWidget()
        seen.extend(_labels(dialog))
        dialog.reject()

    QTimer.singleShot(0, read_dialog_then_close)
    dialogs.ask_date(window, window.pane.document)  # its prompt names the document
    mark = window.library.bookmarks.list()[0]
    other = type(mark)(**{**mark.__dict__, "archive": str(tmp_path / "elsewhere")})
    QTimer.singleShot(0, read_dialog_then_close)
    dialogs.ask_other_archive(window, other)  # its question names the entry
    assert sum("VET" in s for s in seen) >= 2
    _literal(seen)


def test_the_tooltip_helper_shows_text_as_it_is(qtbot):
    from reader.ui.views.plain_text import tooltip

    for text in ["<img src='file:///etc/passwd'>", "a < b & c > d", "twee\nregels", "&amp; als tekst"]:
        assert shown(tooltip(text)) == text
    assert tooltip("") == ""
