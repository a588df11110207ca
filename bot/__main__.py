"""`python -m bot`: the same command line as the `canbot` script."""

from bot.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
