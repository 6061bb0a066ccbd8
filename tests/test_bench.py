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
    from reader.bench.queries import QUERIES

    assert set(data["queries"]) == {*QUERIES, "open_ms"}
    for cls in QUERIES:
        assert data["queries"][cls]["cold"]["n"] == len(QUERIES[cls])  # each query once, cold
        assert data["queries"][cls]["repeated"]["n"] == 5 * len(QUERIES[cls])
    typed = data["window"]["type_to_paint"]
    assert typed["n"] > 0 and 0 < typed["p50_ms"] <= typed["p95_ms"]
    reading = data["reading"]
    assert reading["new_entries"] == min(data["files"], 20) and reading["entries_known"] > 0
    printed = capsys.readouterr().out
    assert "| query: fuzzy |" in printed and "typing → results painted" in printed
    assert "catching up: `new`" in printed
