"""`python -m reader.bench generate DIR ...` and `python -m reader.bench run ...`."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader import defaults
from reader.bench.big import run_big
from reader.bench.generate import generate
from reader.bench.run import SIZES, run


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark command line."""
    p = argparse.ArgumentParser(prog="python -m reader.bench")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write a synthetic archive")
    g.add_argument("dir")
    g.add_argument("--files", type=int, default=2000)
    g.add_argument("--entries", type=int, default=50)
    g.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("run", help="run the benchmark and print the table")
    r.add_argument("--size", choices=[*sorted(SIZES), "1m"], default="full",
                   help="1m: a million entries with a long tail of words (reader/bench/big.py)")
    r.add_argument("--runs", type=int, default=3)
    r.add_argument("--out", default="bench-results/latest.json")
    args = p.parse_args(argv)
    if args.command == "generate":
        size = generate(Path(args.dir), args.files, args.entries, defaults.BUNDLED_ARCHIVE, args.seed)
        print(f"wrote {args.files} files, {args.files * args.entries} entries, {size / 1e6:.1f} MB")
    elif args.size == "1m":
        run_big(Path(args.out))
    else:
        run(args.size, args.runs, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
