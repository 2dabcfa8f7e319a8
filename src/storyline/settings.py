"""The settings file: ``storyline.toml`` read into the frozen configs of :mod:`storyline.config`.

One table per config class, named after it (``StoryConfig`` is ``[story]``, ``SummaryConfig``
``[summary]``; PipelineConfig's own keys are ``[pipeline]``). Every key is a field of its class,
checked by name and type: a misspelt key or a wrong type stops the command with the file, the
table, the key and what it takes, before any work starts. Enums are given by value, paths as
strings, tuples and sets as lists. A key left out keeps its default, so a file holds only what
its user changed.

Which file: ``--config FILE`` on the command line, else ``$STORYLINE_CONFIG``, else
``./storyline.toml`` when there is one, else none (the defaults written in config.py). The
Python API takes configs as arguments; :func:`load_settings` is how a program gets them from a
file. The database is not a setting: every command names it with ``--db`` or ``$STORYLINE_DB``.
"""

from __future__ import annotations

import ast
import difflib
import os
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from storyline import config as config_module
from storyline.config import PipelineConfig, WatchConfig
from storyline.errors import ConfigError

CONFIG_ENV = "STORYLINE_CONFIG"
DEFAULT_FILE = "storyline.toml"
# The configs a settings file fills: everything the pipeline runs with (its stages' configs are
# tables of their own), and the feed watcher's.
ROOTS: tuple[type, ...] = (PipelineConfig, WatchConfig)
# Keys --defaults prints commented out, with why: a default computed on the machine that runs
# (a file copied to another machine goes on computing it there), and the page cap `storyline
# ingest` takes from [source] unless a file sets it (one cap for files and pages, as --max-bytes).
UNSET = {
    ("engine", "workers"): "computed: one per core, up to 2",
    ("fetch", "max_bytes"): "`storyline ingest` takes [source] max_bytes for pages too unless this is set",
}
# A list longer than this on one line is written one line per few items.
_LINE = 100


def table_name(cls: type) -> str:
    """The table a config class is read from: its name less ``Config``, lower case."""
    return cls.__name__.removesuffix("Config").lower()


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective settings: the configs, the file they were read from (None: the defaults
    alone) and the ``(table, key)`` pairs that file set."""

    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    path: Path | None = None
    given: frozenset[tuple[str, str]] = frozenset()

    def origin(self, table: str, key: str) -> str:
        """Where a value came from: the settings file's path, or "default"."""
        return str(self.path) if (table, key) in self.given else "default"

    def tables(self) -> list[tuple[str, Any]]:
        """Every table with the config it fills, in the order a settings file lists them."""
        return [pair for root in (self.pipeline, self.watch) for pair in _walk(root)]


def settings_path(path: str | Path | None = None) -> Path | None:
    """The settings file to read: ``path``, else ``$STORYLINE_CONFIG``, else ``./storyline.toml``
    when it exists; None when there is none (the defaults apply)."""
    located = _locate(path)
    return located[0] if located else None


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings in ``path`` over the defaults (the file found as :func:`settings_path` says
    when ``path`` is None). Raises :class:`ConfigError` for a file that is missing, not TOML,
    or holds a table, key or value its config does not take."""
    located = _locate(path)
    if located is None:
        return Settings()
    found, named_by = located
    return _build(_read(found, named_by), found.absolute())


def _locate(path: str | Path | None) -> tuple[Path, str] | None:
    if path is not None and str(path):
        return Path(path), "--config"
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env), f"${CONFIG_ENV}"
    local = Path(DEFAULT_FILE)
    return (local, f"./{DEFAULT_FILE}") if local.is_file() else None


def _read(path: Path, named_by: str) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"no settings file at {path} (named by {named_by})",
            remedy=f"name an existing file, or start one with `storyline config --defaults > {DEFAULT_FILE}`",
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"cannot read the settings file {path} ({exc.strerror or exc})",
            remedy="check that it is a readable file",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the settings file {path} is not UTF-8 text", remedy="save it as UTF-8") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"the settings file {path} is not valid TOML ({exc})",
            remedy="fix the line it names; `storyline config --defaults` prints a valid file",
        ) from exc


def _build(data: dict[str, Any], path: Path) -> Settings:
    classes = {table_name(cls): cls for root in ROOTS for cls in _classes(root)}
    for name, value in data.items():
        if not isinstance(value, dict) and name not in classes:
            homes = [f"[{t}]" for t, cls in classes.items() if name in {f.name for f in fields(cls)}]
            where = f"put it under {' or '.join(homes)}" if homes else "no table takes it"
            raise ConfigError(
                f"{name} in the settings file {path} stands outside any table",
                remedy=f"{where} (see `storyline config --defaults`)",
            )
        if name not in classes:
            raise ConfigError(
                f"unknown table [{name}] in the settings file {path}",
                remedy=_suggest(name, list(classes), "the tables are"),
            )
        if not isinstance(value, dict):
            raise ConfigError(
                f"{name} in the settings file {path} is a value, not a table",
                remedy=f"write its keys under a [{name}] line",
            )
    given: set[tuple[str, str]] = set()

    def build(cls: type) -> Any:
        table = table_name(cls)
        values: dict[str, Any] = data.get(table, {})
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        for item in fields(cls):
            hint = hints[item.name]
            if _is_config(hint):
                kwargs[item.name] = build(hint)
            elif item.name in values:
                kwargs[item.name] = _convert(values[item.name], hint, path, table, item.name)
                given.add((table, item.name))
        for key in values:
            if (table, key) in given:
                continue
            if key in hints:  # a config of its own: its table is a sibling, not a key
                raise ConfigError(
                    f"[{table}] {key} in the settings file {path} is a table of its own",
                    remedy=f"write its keys under a [{table_name(hints[key])}] line",
                )
            keys = [f.name for f in fields(cls) if not _is_config(hints[f.name])]
            raise ConfigError(
                f"unknown key {key!r} in table [{table}] of the settings file {path}",
                remedy=_suggest(key, keys, f"[{table}] takes"),
            )
        try:
            return cls(**kwargs)
        except ValueError as exc:  # a config's own check (__post_init__) across its values
            raise ConfigError(
                f"table [{table}] of the settings file {path}: {exc}",
                remedy="see `storyline config --defaults` for what each key takes",
            ) from exc

    pipeline, watch = build(PipelineConfig), build(WatchConfig)
    return Settings(pipeline, watch, path, frozenset(given))


def _suggest(wrong: str, allowed: list[str], lead: str) -> str:
    close = difflib.get_close_matches(wrong, allowed, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"{hint}{lead}: {', '.join(allowed)}"


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_config(hint: Any) -> bool:
    return isinstance(hint, type) and is_dataclass(hint)


def _classes(cls: type) -> Iterator[type]:
    """``cls`` and every config nested in it, depth first (the order of the tables)."""
    yield cls
    for item in fields(cls):
        hint = _hints(cls)[item.name]
        if _is_config(hint):
            yield from _classes(hint)


def _walk(config: Any) -> Iterator[tuple[str, Any]]:
    yield table_name(type(config)), config
    for item in fields(config):
        value = getattr(config, item.name)
        if is_dataclass(value):
            yield from _walk(value)


def keys(config: Any) -> list[str]:
    """A config's own keys (its nested configs are tables of their own)."""
    return [f.name for f in fields(config) if not is_dataclass(getattr(config, f.name))]


# --- types ----------------------------------------------------------------------------------------


class _Mismatch(Exception):
    """A value of the wrong type, somewhere inside the one given."""


def _convert(value: object, hint: Any, path: Path, table: str, key: str) -> object:
    try:
        return _as(value, hint)
    except _Mismatch:
        allowed = describe(hint)
        raise ConfigError(
            f"[{table}] {key} in the settings file {path} is {toml_value(value)}, not {allowed}",
            remedy=f"give {allowed} (`storyline config --defaults` shows the default)",
        ) from None


def _as(value: object, hint: Any) -> object:
    """``value`` (as TOML gives it) as the type ``hint`` names, or _Mismatch."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        # TOML has no null: an optional setting is either given (its type) or left out.
        options = [a for a in args if a is not type(None)]
        for option in options:
            try:
                return _as(value, option)
            except _Mismatch:
                continue
        raise _Mismatch
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint is Path:
        if isinstance(value, str):
            return Path(value)
    elif isinstance(hint, type) and issubclass(hint, Enum):
        for member in hint:
            if member.value == value:
                return member
    elif origin is tuple and isinstance(value, list):
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_as(v, args[0]) for v in value)
        if len(value) == len(args):
            return tuple(_as(v, a) for v, a in zip(value, args, strict=True))
    elif origin is frozenset and isinstance(value, list):
        return frozenset(_as(v, args[0]) for v in value)
    elif origin is dict and isinstance(value, dict):
        return {_as(k, args[0]): _as(v, args[1]) for k, v in value.items()}
    raise _Mismatch


def describe(hint: Any) -> str:
    """What a setting of type ``hint`` takes, in words."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(describe(a) for a in args if a is not type(None))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return "one of " + ", ".join(f'"{m.value}"' for m in hint)
    if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or origin is frozenset:
        return f"a list of {_plural(args[0])}"
    if origin is tuple:
        return f"a list of {len(args)}: [{', '.join(describe(a) for a in args)}]"
    if origin is dict:
        return f"a table of {_plural(args[1])}"
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    return names.get(hint, "a path (a string)" if hint is Path else str(hint))


def _plural(hint: Any) -> str:
    words = {bool: "true or false", int: "whole numbers", float: "numbers", str: "strings"}
    return words.get(hint) or describe(hint).replace("a list of", "lists of", 1)


# --- writing TOML -------------------------------------------------------------------------------


def plain(value: object) -> object:
    """A config value as JSON and TOML hold it: enums by value, paths as strings, tuples and sets
    as lists (sets sorted)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (frozenset, set)):
        return [plain(v) for v in sorted(value)]
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def toml_value(value: object) -> str:
    """``value`` written as TOML (on one line)."""
    value = plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # Python's float repr is TOML's too (1e-05, inf, nan)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return _string(str(value))


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    out = []
    for char in escaped:
        code = ord(char)
        out.append(f"\\u{code:04x}" if (code < 0x20 and char != "\t") or code == 0x7F else char)
    return '"' + "".join(out) + '"'


def _key(name: str) -> str:
    bare = name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    return name if bare else _string(name)


def _assignment(key: str, value: object) -> list[str]:
    """``key = value``, a long list over several lines."""
    line = f"{key} = {toml_value(value)}"
    items = plain(value)
    if len(line) <= _LINE or not isinstance(items, list):
        return [line]
    lines, current = [f"{key} = ["], "   "
    for item in items:
        piece = f" {toml_value(item)},"
        if len(current) + len(piece) > _LINE and current.strip():
            lines.append(current)
            current = "   "
        current += piece
    return [*lines, current, "]"]


@cache
def _comments() -> tuple[dict[str, str], dict[tuple[str, str], list[str]]]:
    """Each config class's docstring and the comment lines written above each of its fields in
    config.py: the reasons a settings file repeats above each key."""
    try:
        source = Path(config_module.__file__).read_text(encoding="utf-8")
    except OSError:
        return {}, {}
    lines = source.splitlines()
    docs: dict[str, str] = {}
    notes: dict[tuple[str, str], list[str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs[node.name] = ast.get_docstring(node) or ""
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                above: list[str] = []
                row = item.lineno - 2
                while row >= 0 and lines[row].strip().startswith("#"):
                    above.append(lines[row].strip())
                    row -= 1
                notes[(node.name, item.target.id)] = above[::-1]
    return docs, notes


def defaults_toml() -> str:
    """A complete ``storyline.toml`` at the defaults, each table and key under the reasons
    config.py gives for it: a file to start from (keep only what you change)."""
    docs, notes = _comments()
    out = [
        "# storyline.toml: storyline's settings, every key at its default, with its reason.",
        "# Keep only the keys you change: one left out keeps its default (and later improvements to it).",
        f"# Read from --config FILE, else ${CONFIG_ENV}, else ./{DEFAULT_FILE}; `storyline config`",
        "# shows the settings in effect and where each came from.",
    ]
    for table, config in Settings().tables():
        name = type(config).__name__
        out += ["", *(f"# {line}".rstrip() for line in docs.get(name, "").splitlines()), f"[{table}]"]
        for key in keys(config):
            out += notes.get((name, key), [])
            value = getattr(config, key)
            why = UNSET.get((table, key))
            if why is not None:
                out.append(f"# {key} = {toml_value(value)}  ({why})")
            elif value is None:
                out.append(f"# {key} = (not set)")
            else:
                out += _assignment(key, value)
    return "\n".join(out) + "\n"


def effective_toml(settings: Settings) -> str:
    """The settings in effect as TOML, each value followed by where it came from."""
    source = f"the settings file {settings.path}" if settings.path else "no settings file: the defaults"
    out = [f"# storyline's settings in effect ({source}); each value's origin follows it."]
    for table, config in settings.tables():
        out += ["", f"[{table}]"]
        for key in keys(config):
            value, origin = getattr(config, key), settings.origin(table, key)
            if value is None:
                out.append(f"# {key} is not set  # {origin}")
                continue
            why = UNSET.get((table, key)) if origin == "default" else None
            lines = _assignment(key, value)
            out += [*lines[:-1], f"{lines[-1]}  # {origin}" + (f" ({why})" if why else "")]
    return "\n".join(out) + "\n"


def effective_dict(settings: Settings) -> dict[str, Any]:
    """The settings in effect as JSON: the file read (None: none) and, per table and key, the
    value and where it came from."""
    return {
        "file": str(settings.path) if settings.path else None,
        "tables": {
            table: {
                key: {"value": plain(getattr(config, key)), "from": settings.origin(table, key)}
                for key in keys(config)
            }
            for table, config in settings.tables()
        },
    }
