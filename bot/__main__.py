"""`python -m bot` runs the readaloud command line."""

from bot.cli import main

raise SystemExit(main())
