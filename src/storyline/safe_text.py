"""Strings from documents made safe to show: on a terminal, and in JSON printed to one.

Titles, outlets, file names and article text are untrusted. On a terminal, an escape sequence in
them (``ESC [2J`` clears the screen, ``ESC ] 0;…BEL`` retitles the window, C1 controls such as
U+009B start the same sequences in one character) would act instead of being shown, and a bidi
override (U+202E) would show the text after it reversed, so a file name or a title could pose as
another. :func:`for_terminal` removes every such character and keeps everything else as written;
:func:`one_line` also folds line breaks, for table cells and headings where a newline would fake a
new row or field. JSON keeps every character (it is data), but :func:`json_safe` writes the ones a
terminal would act on as ``\\uXXXX`` escapes, which decode to the same string.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F): every character a
# terminal may act on. A carriage return is dropped too: alone it returns to the start of the line
# and lets the rest of a string overwrite what came before it.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069) reorder what follows
# them on display. The plain marks (U+200E, U+200F, U+061C) only set a direction for neutral
# characters and belong to right-to-left text as written, so they stay.
_BIDI = "\u202a-\u202e\u2066-\u2069"
# Unicode's own line and paragraph separators: shown as line breaks by some terminals.
_SEPARATORS = "\u2028\u2029"

_UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}]")
_LINE_BREAKS = re.compile(f"[\n{_SEPARATORS}]")
_BREAKS = re.compile(r"[ ]*[\t\n\u2028\u2029][\t\n\u2028\u2029 ]*")
_VISIBLE = re.compile(f"[\n\t{_CONTROLS}{_BIDI}{_SEPARATORS}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}{_SEPARATORS}]")


def for_terminal(text: str) -> str:
    """``text`` without control or bidi-override characters; tabs and line breaks are kept (Unicode
    separators become newlines)."""
    return _LINE_BREAKS.sub("\n", _UNSAFE.sub("", text))


def one_line(text: str) -> str:
    """``text`` safe for a terminal and on one line: every run of whitespace that holds a line break
    or tab becomes one space."""
    return _BREAKS.sub(" ", _UNSAFE.sub("", text))


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on, and every line break, written as a
    ``\\xNN`` or ``\\uXXXX`` escape: for quoting an untrusted string (a server's ``Location``
    header, a URL from a feed) in a message, where removing the characters would hide what was sent."""
    return _VISIBLE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def json_safe(dumped: str) -> str:
    """A JSON document (as ``json.dumps(..., ensure_ascii=False)`` writes it) with DEL, C1 controls,
    bidi overrides and Unicode separators written as ``\\uXXXX``: the same data, inert on a
    terminal. (json already escapes C0 controls; these characters only occur inside strings.)"""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
