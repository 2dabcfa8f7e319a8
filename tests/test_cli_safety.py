"""Hostile strings never act on a terminal or shape Markdown, and CLI mistakes end in one clear line.

Every hostile string is generated here: every character a terminal acts on (C0 controls but tab and
newline, DEL, C1 controls, bidi embeddings, overrides and isolates), whole escape sequences (clear
screen, an OSC window title), rich markup and Markdown structure, put into a file name, a folder (the
outlet of a text file), a title, an outlet field and article text.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import storyline
import storyline.store.dialect
from storyline.briefs.format import escape
from storyline.cli import app, main
from storyline.config import AnalyzeConfig, EngineConfig, PipelineConfig
from storyline.safe_text import for_terminal, json_safe, one_line

runner = CliRunner()

# What a terminal may act on, spelled out independently of storyline.safe_text.
UNSAFE_CHARS = (
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
UNSAFE = re.compile("[" + re.escape("".join(UNSAFE_CHARS)) + "]")
ESC = "\x1b"
# Escape sequences as an attacker writes them, then every unsafe character once (no "/": it goes
# into file names too).
SEQUENCES = f"{ESC}[2J{ESC}]0;pwned\x07{ESC}[31m\x9b1m\u202e"
EVERY_CHAR = "".join(c for c in UNSAFE_CHARS if c not in "\x00\r")  # a file name holds neither
HOSTILE = f"{SEQUENCES}evil{EVERY_CHAR}[bold red]x"
MARKDOWN_TITLE = (
    "Talks end\n\n# Injected heading\n\n[a link](http://evil.example) ![an image](x.png) "
    "<img src=x onerror=alert(1)> <b>bold</b>\n1. list\n- item\n> quote\n| a | b |\n    code"
)
BODY = (
    "The council met on Monday in Geneva to debate the budget for the coming year, officials said. "
    "Finance Minister Maria Lopez met John Carter in Geneva on Tuesday to discuss the budget. "
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "in" / f"outlet{HOSTILE}"
    folder.mkdir(parents=True)
    (folder / f"page{HOSTILE}.txt").write_text(
        f"Budget talks {HOSTILE}[/] in Geneva\n\n{BODY * 3}\n\nSecond {HOSTILE}[/] paragraph: {BODY}",
        encoding="utf-8",
    )
    (folder / f"empty{HOSTILE}.txt").write_text("", encoding="utf-8")  # a skip named by its file
    record = {
        "title": MARKDOWN_TITLE + HOSTILE,
        "outlet": f"Wire{HOSTILE}\n# Outlet heading",
        "published": "2026-10-28T09:30:00Z",
        "text": f"{BODY * 3}\n\nThe council {HOSTILE} may vote next week, sources suggested.",
    }
    (root / "in" / "export.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = root / "h.db"
    config = PipelineConfig(analyze=AnalyzeConfig(embedder="minilm-onnx"), engine=EngineConfig(workers=1))
    storyline.ingest([root / "in"], db=db, config=config)
    return db


def _run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


TEXT_COMMANDS = [
    ["articles"],
    ["show", "1", "--removed", "--repairs"],
    ["show", "2"],
    ["stories"],
    ["story", "1"],
    ["brief"],
    ["brief", "a2"],
    ["brief", "1"],
    ["skips"],
    ["entities"],
    ["events"],
    ["brief", "1", "--format", "markdown"],
    ["brief", "--format", "markdown"],
]


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_no_document_string_acts_on_the_terminal(hostile_db: Path, command: list[str]) -> None:
    result = _run(*command, "--db", str(hostile_db))
    assert result.exit_code == 0, result.output
    assert result.output.strip()
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(result.output)})
    assert not found, f"{command}: {found} reached the terminal"


def test_ingest_summary_is_safe(hostile_db: Path) -> None:
    result = _run(
        "ingest", str(hostile_db.parent / "in"), "--db", str(hostile_db), "--embedder", "minilm-onnx"
    )
    assert result.exit_code == 0 and "empty" in result.output  # the skip, named by its hostile file
    assert not UNSAFE.search(result.output)


def test_ingest_progress_is_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress bar shows file names on a terminal (rich adds its own colour codes there)."""
    import io

    from rich.console import Console

    from storyline import render
    from storyline.config import SourceConfig

    screen = io.StringIO()
    monkeypatch.setattr(render, "errors", Console(file=screen, force_terminal=True, width=200))
    with render.ingest_progress([], SourceConfig(), enabled=True) as hook:
        hook(f"/in/{HOSTILE}.txt", "ingested")
        hook(f"article 1 {HOSTILE}", "analyzed")
    shown = screen.getvalue()
    assert "evil" in shown
    for char in UNSAFE_CHARS:
        if char not in (ESC, "\r"):  # rich's own: colours, and redrawing the bar
            assert char not in shown, f"U+{ord(char):04X}"
    assert f"{ESC}]" not in shown and f"{ESC}[2J" not in shown  # only rich's own colour codes


def test_the_stored_strings_really_are_hostile(hostile_db: Path) -> None:
    """The store keeps what the documents said (so the test above proves the renderers safe)."""
    listing = json.loads(_run("articles", "--db", str(hostile_db), "--json").stdout)
    assert any(UNSAFE.search(item["outlet"] or "") for item in listing)
    assert any(UNSAFE.search(item["locator"]) for item in listing)
    assert any("\n" in (item["title"] or "") for item in listing)


def test_json_keeps_every_character_escaped(hostile_db: Path) -> None:
    for command in (["articles", "--json"], ["skips", "--json"], ["brief", "1", "--format", "json"]):
        result = _run(*command, "--db", str(hostile_db))
        assert not UNSAFE.search(result.stdout), command
        json.loads(result.stdout)
    listing = json.loads(_run("articles", "--db", str(hostile_db), "--json").stdout)
    outlets = {item["outlet"] for item in listing}
    assert f"Wire{HOSTILE}\n# Outlet heading" in outlets  # the very string, kept whole
    skips = json.loads(_run("skips", "--db", str(hostile_db), "--json").stdout)
    assert any(s["locator"].endswith(f"empty{HOSTILE}.txt") for s in skips)


def test_rich_markup_in_a_title_prints_literally(hostile_db: Path) -> None:
    listing = json.loads(_run("articles", "--db", str(hostile_db), "--json").stdout)
    target = next(item for item in listing if (item["title"] or "").startswith("Budget talks"))
    assert "[bold red]x[/]" in target["title"]
    output = _run("show", str(target["id"]), "--db", str(hostile_db)).output
    assert "[bold red]x[/] in Geneva" in " ".join(output.split())  # folded at the terminal's width


def test_document_strings_in_tables_stay_on_one_line(hostile_db: Path) -> None:
    output = _run("articles", "--db", str(hostile_db)).output
    assert not re.search(r"^\s*# Injected heading", output, re.MULTILINE)
    assert not re.search(r"^\s*# Outlet heading", output, re.MULTILINE)


def _markdown_tokens(text: str) -> list[Any]:
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    flat: list[Any] = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def test_a_hostile_brief_in_markdown_has_only_its_own_structure(hostile_db: Path) -> None:
    story_ids = {s["id"] for s in json.loads(_run("stories", "--db", str(hostile_db), "--json").stdout)}
    for story_id in sorted(story_ids):
        output = _run("brief", str(story_id), "--db", str(hostile_db), "--format", "markdown").output
        tokens = _markdown_tokens(output)
        kinds = {t.type for t in tokens}
        assert not kinds & {"link_open", "image", "html_inline", "html_block", "code_block", "table_open"}
        assert not kinds & {"blockquote_open", "ordered_list_open"}
        headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
        assert not any("Injected" in h or "Outlet heading" in h for h in headings[1:])
        assert all("Injected" not in h for h in headings if not h.startswith("Talks end"))


def _generated_hostile_strings() -> Iterator[str]:
    markers = ["#", "##", ">", "-", "+", "*", "1.", "2)", "|", "=", "===", "---", "    ", "\t", "```"]
    inline = [
        "[x](http://e.example)",
        "![i](x.png)",
        "<b>b</b>",
        "<script>alert(1)</script>",
        "<http://e.example>",
        "&lt;b&gt;",
        "&#60;b&#62;",
        "`code`",
        "*em*",
        "__strong__",
        "~~del~~",
        "[ref]: http://e.example",
        "[^note]",
        "\\",
    ]
    for marker in markers:
        for piece in inline:
            yield f"{marker} {piece}"
            yield f"title\n{marker} {piece}\n\n{marker}{piece}"
            yield f"{piece}\r\n{marker}{HOSTILE}"


def test_escape_makes_any_string_inert_markdown() -> None:
    for hostile in _generated_hostile_strings():
        escaped = escape(hostile)
        assert "\n" not in escaped and not UNSAFE.search(escaped)
        for line in (escaped, f"## {escaped}", f"- {escaped} — *{escaped}*", f"**{escaped}**"):
            tokens = _markdown_tokens(line)
            kinds = {t.type for t in tokens}
            assert not kinds & {
                "link_open",
                "image",
                "html_inline",
                "html_block",
                "code_block",
                "fence",
                "code_inline",
                "blockquote_open",
                "ordered_list_open",
                "table_open",
                "s_open",
                "hr",
            }, (hostile, line, kinds)
            assert [t.type for t in tokens].count("heading_open") <= int(line.startswith("## "))
            assert [t.type for t in tokens].count("bullet_list_open") <= int(line.startswith("- "))
            assert sum(t.type in ("em_open", "strong_open") for t in tokens) <= 1
        # And the reader sees exactly the string (folded onto one line, unsafe characters gone).
        shown = "".join(t.content for t in _markdown_tokens(escaped) if t.type == "text")
        assert shown == one_line(hostile).strip().lstrip()


def test_safe_text_keeps_ordinary_text() -> None:
    text = "Iran’s “talks” — naïve 東京 مرحبا\u200f (tab\there)\nnext line"
    assert for_terminal(text) == text
    assert one_line(text) == "Iran’s “talks” — naïve 東京 مرحبا\u200f (tab here) next line"
    assert json.loads(json_safe(json.dumps({"a": HOSTILE}, ensure_ascii=False))) == {"a": HOSTILE}


# --- errors: one line, what to do, exit code 2 ---------------------------------------------------


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["storyline", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def _one_clear_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("storyline: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show", "99999999999999999999"], "no article with id 99999999999999999999"),
        (["story", "99999999999999999999"], "no story with id 99999999999999999999"),
        (["brief", "a99999999999999999999"], "no article with id 99999999999999999999"),
        (["brief", "99999999999999999999"], "no story with id 99999999999999999999"),
        (["stories", "merge", "1", "99999999999999999999"], "no story with id 99999999999999999999"),
    ],
)
def test_huge_ids_are_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    code, err = _main(monkeypatch, capsys, *args, "--db", str(tmp_path / "t.db"))
    assert code == 2
    line = _one_clear_line(err)
    assert expected in line and "list ids with `storyline" in line


def test_unusable_database_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, err = _main(monkeypatch, capsys, "articles", "--db", str(blocker / "sub" / "x.db"))
    assert code == 2 and "--db" in _one_clear_line(err) and str(blocker) in err
    folder_as_db = tmp_path / "folder.db"
    folder_as_db.mkdir()
    code, err = _main(monkeypatch, capsys, "articles", "--db", str(folder_as_db))
    assert code == 2 and "cannot open or write the database" in _one_clear_line(err)


def test_unwritable_database_folder_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """/proc refuses new files even to root (the tests may run as root, who can write anywhere else)."""
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    code, err = _main(monkeypatch, capsys, "articles", "--db", "/proc/storyline-test.db")
    assert code == 2
    line = _one_clear_line(err)
    assert "cannot open or write the database /proc/storyline-test.db" in line and "--db" in line


@pytest.mark.parametrize("command", [["articles"], ["stories"]])
def test_negative_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, err = _main(monkeypatch, capsys, *command, "--limit", "-1", "--db", str(tmp_path / "t.db"))
    assert code == 2
    assert "--limit" in err and "greater than or equal to 1" in err


def test_a_locked_database_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "t.db"
    storyline.articles(db)  # create it
    real_create_engine = storyline.store.dialect.create_engine

    def impatient(url: str, **kwargs: Any) -> Any:
        # The real wait is StoreConfig.lock_timeout (60 s); the same error after 0.2 s keeps it fast.
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "timeout": 0.2}
        return real_create_engine(url, **kwargs)

    monkeypatch.setattr(storyline.store.dialect, "create_engine", impatient)
    writer = sqlite3.connect(db, isolation_level=None)
    # Readers no longer wait on writers; a store that must first be brought up to date does (a
    # newer storyline opening it while an older one writes): take its last migration back.
    writer.execute("DELETE FROM schema_version WHERE version = (SELECT max(version) FROM schema_version)")
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        code, err = _main(monkeypatch, capsys, "articles", "--db", str(db))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert code == 2
    line = _one_clear_line(err)
    assert f"another storyline process is writing to {db}" in line and "try again" in line
