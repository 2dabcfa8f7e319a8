"""Every English resource file loads, is not empty and holds no entry twice."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from storyline.lang import ENGLISH

FOLDER = resources.files("storyline.lang").joinpath("en")
TEXT_FILES = sorted(p.name for p in FOLDER.iterdir() if p.name.endswith(".txt"))
JSON_FILES = sorted(p.name for p in FOLDER.iterdir() if p.name.endswith(".json"))


def _sections(entries: tuple[str, ...]) -> list[list[str]]:
    """The entries of a file, cut at ``[kind]`` lines (a file of named patterns, such as
    furniture-lines.txt, may name a kind twice: each section is its own list)."""
    sections: list[list[str]] = [[]]
    for entry in entries:
        if entry.startswith("[") and entry.endswith("]"):
            sections.append([])
        else:
            sections[-1].append(entry)
    return sections


@pytest.mark.parametrize("filename", TEXT_FILES)
def test_a_word_list_loads_is_not_empty_and_has_no_duplicates(filename: str) -> None:
    entries = ENGLISH.lines(filename.removesuffix(".txt"))
    assert entries, f"{filename} has no entries"
    for section in _sections(entries):
        repeated = sorted({e for e in section if section.count(e) > 1})
        assert not repeated, f"{filename} repeats {repeated}"


def test_every_table_loads_is_not_empty_and_has_no_duplicates() -> None:
    for filename in JSON_FILES:
        _check_table(filename)


def _check_table(filename: str) -> None:
    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        assert not repeated, f"{filename} repeats the keys {repeated}"
        return dict(pairs)

    # json.loads keeps the last of two equal keys silently: read the raw pairs to see them.
    json.loads(FOLDER.joinpath(filename).read_text(encoding="utf-8"), object_pairs_hook=unique_keys)
    table = ENGLISH.table(filename.removesuffix(".json"))
    assert table, f"{filename} is empty"
    if isinstance(table, list):
        items = [json.dumps(item, sort_keys=True) for item in table]
        assert len(items) == len(set(items)), f"{filename} repeats an item"


def test_the_calendar_is_whole() -> None:
    months = ENGLISH.lines("months")
    assert len(months) == 12 and months[0].split()[-1] == "january"
    assert ENGLISH.lines("weekdays")[0] == "monday" and len(ENGLISH.lines("weekdays")) == 7
    names = [name for line in months for name in line.split()]
    assert len(names) == len(set(names))


def test_structured_lines_have_their_fields() -> None:
    for line in ENGLISH.lines("variety-spelling-swaps"):
        british, american, shortest = line.split()
        assert british != american and int(shortest) > 0
    for name in ("wire-agencies", "wire-credit-tails"):
        for line in ENGLISH.lines(name):
            key, sep, value = line.partition(" = ")
            assert sep and key.strip() and value.strip(), f"{name}: {line!r}"
    assert all("{agencies}" in line for line in ENGLISH.lines("wire-credit-lines"))
