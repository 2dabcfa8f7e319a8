"""Each language's resources as data: ``lang/<code>/`` holds plain files, read once and shared.

A stage never spells a word list of its own; it asks the article's :class:`Language` for one by name.
Two kinds of file live in a language's folder:

- ``<name>.txt``: one entry a line, in order; blank lines and lines starting with ``#`` are comments
  (write the reason for an entry there). Read with :meth:`Language.words` (a set) or
  :meth:`Language.lines` (the entries in file order, where order matters: first match wins).
- ``<name>.json``: a mapping or a list for resources with structure (number words to values, a
  title's synonyms). Read with :meth:`Language.table`.

English is ``lang/en``. Adding a language is adding a folder with the same file names; a resource the
folder lacks falls back to English's, so a partial language works from its first file (and
``Language.has`` tells a stage whether the language gives its own).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from storyline.errors import ConfigError

DEFAULT = "en"


@dataclass(frozen=True, slots=True)
class Language:
    """The resources of one language (``code``: ISO 639-1, as the language detector gives it)."""

    code: str

    def has(self, name: str) -> bool:
        """Whether this language's own folder gives the resource ``name`` (``.txt`` or ``.json``)."""
        return _file(self.code, f"{name}.txt") is not None or _file(self.code, f"{name}.json") is not None

    def lines(self, name: str) -> tuple[str, ...]:
        """The entries of ``<name>.txt`` in file order (comments and blank lines left out)."""
        return _lines(self._owner(name, "txt"), name)

    def words(self, name: str) -> frozenset[str]:
        """The entries of ``<name>.txt`` as a set."""
        return frozenset(self.lines(name))

    def table(self, name: str) -> Any:
        """The parsed ``<name>.json`` (a dict or list, as written)."""
        return _table(self._owner(name, "json"), name)

    def _owner(self, name: str, ext: str) -> str:
        if _file(self.code, f"{name}.{ext}") is not None:
            return self.code
        if _file(DEFAULT, f"{name}.{ext}") is not None:
            return DEFAULT
        raise ConfigError(
            f"no language resource {name}.{ext} for {self.code!r} nor for {DEFAULT!r}",
            remedy=f"add src/storyline/lang/{DEFAULT}/{name}.{ext}",
        )


def language(code: str | None) -> Language:
    """The language for a detected code; English when the code is unknown or has no folder."""
    if code and _folder_exists(code):
        return Language(code)
    return Language(DEFAULT)


ENGLISH = Language(DEFAULT)


@cache
def _folder_exists(code: str) -> bool:
    if not code.isalpha():
        return False
    return resources.files(__package__).joinpath(code).is_dir()


@cache
def _file(code: str, filename: str) -> str | None:
    if not _folder_exists(code):
        return None
    path = resources.files(__package__).joinpath(code, filename)
    return path.read_text(encoding="utf-8") if path.is_file() else None


@cache
def _lines(code: str, name: str) -> tuple[str, ...]:
    text = _file(code, f"{name}.txt") or ""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


@cache
def _table(code: str, name: str) -> Any:
    return json.loads(_file(code, f"{name}.json") or "null")
