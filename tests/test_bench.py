"""The benchmark runs end to end on a tiny archive (figures are printed, never asserted)."""

from __future__ import annotations

import json

from reader.bench.__main__ import main


def test_bench_generate_and_run(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "gen"), "--files", "3", "--entries", "5"]) == 0
    assert len(list((tmp_path / "gen").rglob("*.txt"))) == 3
    out = tmp_path / "bench.json"
    assert main(["run", "--size", "tiny", "--runs", "1", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["build"]["entries_per_s"] > 0 and data["fts5"]["build_seconds"] > 0
    assert set(data["queries"]) == {"single term", "two-term AND", "phrase", "prefix",
                                    "variant spelling", "date-sorted", "fuzzy"}
    assert "| query: fuzzy |" in capsys.readouterr().out
