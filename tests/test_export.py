"""Export of hits, bookmarks and thread cards to text and Markdown, and safe file writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import export
from reader.files import WriteError, write_text
from tests.conftest import LIVEBLOG, LIVEBLOG_DOC
from tests.permissions import run_bound_by_permissions


def full_text(entry):
    return [entry.headline, *entry.paragraphs, *(c.text for c in entry.captions)]


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_export_of_thread_cards_has_full_text_and_source(library, fmt):
    doc = library.documents.get(LIVEBLOG_DOC)
    chosen = [doc.entries[1], doc.entries[26]]  # one with a caption, one with a gallery
    items = [export.from_entry(doc, e) for e in chosen]
    text = export.render(items, fmt)
    for entry in chosen:
        for part in full_text(entry):
            assert part in text
        assert entry.id in text
    assert LIVEBLOG in text and doc.title in text
    assert text.index(chosen[0].headline) < text.index(chosen[1].headline)
    if fmt == "md":
        assert text.startswith("## Azov-bataljon") and "\n---\n" in text
    else:
        assert text.startswith("Azov-bataljon: Azovstal-complex nagenoeg verwoest\n====")


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_an_edited_entry_is_exported_with_its_author_and_earlier_text(tmp_path, fmt):
    from reader import archive
    from reader.model import DocRef
    from tests.webfixtures import BLOG_URL, write_warc

    write_warc(tmp_path / "a.warc.gz")
    doc = archive.read_document(tmp_path, DocRef("a.warc.gz", BLOG_URL))
    edited = next(e for e in doc.entries if e.edited)
    text = export.render([export.from_entry(doc, edited)], fmt)
    assert "Er zijn meerdere explosies gehoord in het centrum van Kiev." in text
    assert "Earlier version:" in text and "Er zijn explosies gehoord in Kiev." in text
    assert text.index("centrum van Kiev") < text.index("Earlier version")
    assert BLOG_URL in text and "19 Apr 2022 09:30" in text
    [blog] = archive.read_documents(Path(__file__).parent / "fixtures" / "formats", "jsonld-variants.html")
    by_two = export.render([export.from_entry(blog, blog.entries[0])], fmt)
    assert "Author" in by_two and "Anna de Vries, Piet Jansen" in by_two


def test_export_of_hits_and_bookmarks(library):
    hits = library.search("Frederiksen OR Guterres", limit=10).hits
    items = library.export.items([h.id for h in hits])
    text = export.to_text(items)
    assert "Frederiksen" in text and "Guterres" in text and text.count("Source: ") == len(hits)
    library.bookmarks.add(hits[0].id, note="mijn notitie", tags=["a", "b"])
    items = library.export.bookmark_items(library.bookmarks.list())
    text = export.to_text(items)
    assert "Note: mijn notitie" in text and "Tags: a, b" in text


def test_chronological_order(library):
    doc = library.documents.get(LIVEBLOG_DOC)
    items = [export.from_entry(doc, e) for e in doc.entries[:3]]  # newest first in the file
    assert [i.entry_id for i in export.chronological(items)] == [e.id for e in doc.entries[2::-1]]


def test_markup_in_markdown_is_escaped():
    item = export.ExportItem("x", "<script>kop</script>", "T", None, "a.txt", ("<img src=x>",), ())
    text = export.to_markdown([item])
    assert "<script>" not in text and "&lt;img src=x&gt;" in text


def test_write_is_atomic_and_asks_before_overwriting(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "één")
    assert target.read_text(encoding="utf-8") == "één"
    with pytest.raises(WriteError, match="already exists"):
        write_text(target, "twee")
    write_text(target, "twee", overwrite=True)
    assert target.read_text(encoding="utf-8") == "twee"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_missing_folder(tmp_path):
    with pytest.raises(WriteError, match="cannot write .*: the folder does not exist"):
        write_text(tmp_path / "nope" / "out.txt", "x")
    assert not (tmp_path / "nope").exists()


def test_unwritable_folder_is_refused_and_left_empty(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    code = ("import sys; from pathlib import Path; from reader.files import WriteError, write_text\n"
            "try:\n    write_text(Path(sys.argv[1]), 'x')\nexcept WriteError as exc:\n    print(exc)")
    try:
        proc = run_bound_by_permissions(code, str(locked / "out.txt"))
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"cannot write {locked / 'out.txt'}: no permission to write there"
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_disk_full(tmp_path):
    with pytest.raises(WriteError, match="disk is full"):
        write_text(Path("/dev/full"), "x" * 10_000)


def test_an_export_gets_the_usual_file_mode(tmp_path):
    import os
    import stat

    from reader import files

    old = os.umask(0o022)
    try:
        files.write_text(tmp_path / "e.txt", "tekst\n")
        os.umask(0o077)
        files.write_text(tmp_path / "private.txt", "tekst\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "e.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600
