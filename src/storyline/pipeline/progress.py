"""The progress hook every runner step reports to (the CLI's progress bar, a watcher's log)."""

from collections.abc import Callable

# Called after each document with (locator, outcome): ingested / revised / unchanged / skipped for
# documents; repassed for an outlet whose pages were cleaned again; analyzed / grouped for articles
# ("article ID"); briefed for a story ("story ID"). Before each later phase, once, with
# (its total as a string, "<phase>-total"): repass-total, analysing-total, grouping-total,
# briefing-total, so a progress bar can show the phase's total and the time left from the start.
ProgressHook = Callable[[str, str], None]

# The later phases of an ingest, in order, by the outcome their steps report.
PHASES = {"repassed": "repass", "analyzed": "analysing", "grouped": "grouping", "briefed": "briefing"}
