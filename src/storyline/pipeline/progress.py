"""The progress hook every runner step reports to (the CLI's progress bar, a watcher's log)."""

from collections.abc import Callable

# Called after each document with (locator, outcome): ingested / revised / unchanged / skipped for
# documents, analyzed / grouped for articles ("article ID").
ProgressHook = Callable[[str, str], None]
