"""Run the command line with `python -m reader`."""

from reader.cli import main

if __name__ == "__main__":  # worker processes import this module too; they must not start the app
    raise SystemExit(main())
