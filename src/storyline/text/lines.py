"""Moved to :mod:`storyline.lines` (a shared module: the briefs need it too, and a stage never
imports another stage's internals). Kept only for ``pipeline.py``'s import until it is updated."""

from storyline.lines import classify_line, line_key, normalize_line

__all__ = ["classify_line", "line_key", "normalize_line"]
