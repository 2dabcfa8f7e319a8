"""The settings file: storyline.toml read into the frozen configs, checked key by key, found by
--config, $STORYLINE_CONFIG or ./storyline.toml, shown by `storyline config`."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.config import AnalyzeConfig, Favor, PipelineConfig, StoryConfig, WatchConfig
from storyline.errors import ConfigError
from storyline.model import Article, Block, BlockKind
from storyline.settings import CONFIG_ENV, Settings, defaults_toml, load_settings, settings_path
from tests.grouping.builders import DIM, article, unit

OVERRIDES = """
[story]
join_threshold = 0.3
time_weight = 0

[summary]
long_words = 150

[extract]
favor = "precision"
outlet_folders = [["wire", "Meridian Wire"]]

[hedge]
strong = ["may"]
strong_prior = 0.2

[terms]
limit = 3

[watch]
interval_s = 60
"""


@pytest.fixture(autouse=True)
def no_settings_around(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts with no $STORYLINE_CONFIG and in a folder with no storyline.toml."""
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)


def _file(folder: Path, text: str, name: str = "custom.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_overriding_a_few_values_fills_the_configs_they_belong_to(tmp_path: Path) -> None:
    settings = load_settings(_file(tmp_path, OVERRIDES))
    pipeline = settings.pipeline
    assert pipeline.stories.join_threshold == 0.3
    assert pipeline.stories.time_weight == 0.0 and isinstance(pipeline.stories.time_weight, float)
    assert pipeline.briefs.summary.long_words == 150
    assert pipeline.extract.favor is Favor.PRECISION  # enums by value
    assert pipeline.extract.outlet_folders == (("wire", "Meridian Wire"),)  # tuples from lists
    assert pipeline.analyze.hedges.strong == ("may",) and pipeline.analyze.hedges.strong_prior == 0.2
    assert pipeline.stories.terms.limit == 3
    assert settings.watch.interval_s == 60.0
    # Everything else stays at its default.
    assert replace(pipeline.stories, join_threshold=0.27, time_weight=0.1, terms=StoryConfig().terms) == (
        StoryConfig()
    )
    assert pipeline.analyze == replace(AnalyzeConfig(), hedges=pipeline.analyze.hedges)
    assert pipeline.sources == PipelineConfig().sources
    assert ("story", "join_threshold") in settings.given and ("story", "members") not in settings.given


def test_the_values_reach_the_stages(tmp_path: Path) -> None:
    from storyline.grouping.grouper import Grouper
    from storyline.grouping.terms import term_vectors
    from storyline.nlp.analyze import analyze

    pipeline = load_settings(_file(tmp_path, OVERRIDES)).pipeline
    # Grouping: two articles 0.28 alike ((0.5 words + 0 names + 0.5 * 0.4 embedding) / 2.5) join at
    # the default threshold, not at the file's 0.3.
    first = article(1, ["quake", "chile"], names=["santiago"], vector=unit(1.0))
    second = article(2, ["quake", "peru"], names=["lima"], vector=unit(0.4, 0.84**0.5))
    for config, together in ((StoryConfig(), True), (pipeline.stories, False)):
        grouper = Grouper(replace(config, time_weight=0.0), DIM)
        new_ids = iter(range(100, 110))
        placed = [grouper.place(item, new_ids.__next__).story for item in (first, second)]
        assert (placed[0] == placed[1]) is together
    # The terms kept per vector.
    words, _ = term_vectors(
        "Quake", "Rescuers searched the rubble of collapsed buildings.", pipeline.stories.terms
    )
    assert len(words.ids) == 3
    # Understanding: with "may" a strong hedge at 0.2, a sentence hedged by it alone scores lower.
    blocks = (Block(BlockKind.PARAGRAPH, "The strike may spread to other ports."),)
    text = Article("test", "h", None, blocks, language="en")
    by_default = analyze(text, AnalyzeConfig(embedder="")).sentences[0].hedge
    by_file = analyze(text, replace(pipeline.analyze, embedder="")).sentences[0].hedge
    assert by_file < by_default


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "[story]\njoin_treshold = 0.3\n",
            ["[story]", "join_treshold", "did you mean join_threshold", "members"],
        ),
        ('[story]\njoin_threshold = "high"\n', ["[story]", "join_threshold", '"high"', "a number"]),
        ("[story]\nmembers = 2.5\n", ["[story]", "members", "a whole number"]),
        ('[extract]\nfavor = "fast"\n', ["[extract]", "favor", '"balanced", "precision", "recall"']),
        ("[hedge]\nstrong = [1, 2]\n", ["[hedge]", "strong", "a list of strings"]),
        ("[stories]\nmembers = 2\n", ["[stories]", "did you mean story", "summary"]),
        ("[story.dedup]\nbands = 8\n", ["[story]", "dedup", "[dedup]"]),
        ("[brief]\ndevelopments = { long = 3 }\n", ["[brief]", "medium, short"]),
        ("story = 3\n", ["story", "[story]"]),
        ("analyze_on_ingest = false\n", ["analyze_on_ingest", "outside any table", "[pipeline]"]),
        ("[story\n", ["not valid TOML", "line 1"]),
    ],
)
def test_a_wrong_key_or_value_is_an_error_naming_file_table_key_and_what_is_allowed(
    tmp_path: Path, text: str, named: list[str]
) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message
    for part in named:
        assert part in message, (part, message)


def test_a_missing_file_named_is_an_error_saying_who_named_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match=r"no settings file at .*gone\.toml \(named by --config\)"):
        load_settings(tmp_path / "gone.toml")
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match=r"named by \$STORYLINE_CONFIG"):
        load_settings()


def test_lookup_order_is_option_then_environment_then_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings_path() is None and load_settings() == Settings()
    _file(tmp_path, "[story]\nmembers = 10\n", "storyline.toml")
    assert load_settings().pipeline.stories.members == 10
    from_env = _file(tmp_path, "[story]\nmembers = 20\n", "env.toml")
    monkeypatch.setenv(CONFIG_ENV, str(from_env))
    assert load_settings().pipeline.stories.members == 20
    given = _file(tmp_path, "[story]\nmembers = 30\n", "given.toml")
    assert load_settings(given).pipeline.stories.members == 30
    # The command line follows the same order.
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["config", "--json"]).stdout)
    assert shown["file"] == str(from_env) and shown["tables"]["story"]["members"]["value"] == 20
    shown = json.loads(runner.invoke(app, ["config", "--json", "--config", str(given)]).stdout)
    assert shown["file"] == str(given) and shown["tables"]["story"]["members"]["value"] == 30


def test_config_shows_every_value_with_its_origin(tmp_path: Path) -> None:
    path = _file(tmp_path, OVERRIDES)
    runner = CliRunner()
    result = runner.invoke(app, ["config", "--config", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"join_threshold = 0.3  # {path}" in lines
    assert "embedding_weight = 0.5  # default" in lines
    assert f'favor = "precision"  # {path}' in lines
    assert f"interval_s = 60.0  # {path}" in lines
    # The output is itself a settings file: it reads back to the same configs.
    assert (
        load_settings(_file(tmp_path, result.stdout, "shown.toml")).pipeline == load_settings(path).pipeline
    )
    shown = json.loads(runner.invoke(app, ["config", "--json", "--config", str(path)]).stdout)
    assert shown["tables"]["story"]["join_threshold"] == {"value": 0.3, "from": str(path)}
    assert shown["tables"]["dedup"]["bands"] == {"value": 16, "from": "default"}
    assert shown["tables"]["hedge"]["strong"] == {"value": ["may"], "from": str(path)}
    # Every key of every table is there.
    defaults = tomllib.loads(defaults_toml())
    assert set(shown["tables"]) == set(defaults)
    assert set(shown["tables"]["story"]) == set(defaults["story"])


def test_defaults_is_a_complete_commented_file_that_changes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "--defaults"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    # The reasons written in config.py, above their keys.
    assert "# Three-word shingles: a lightly edited copy" in text
    assert "[story]\n# An article joins the best story whose every recent article" in text
    assert "# workers = " in text  # computed on each machine: left to it
    loaded = load_settings(_file(tmp_path, text))
    assert (loaded.pipeline, loaded.watch) == (PipelineConfig(), WatchConfig())


def test_commands_run_with_the_settings_and_flags_over_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def ingest(paths: Any, db: Any = None, config: Any = None, on_progress: Any = None) -> Any:
        seen["ingest"] = config
        return storyline.IngestReport()

    def brief_story(story_id: int, db: Any = None, *, length: str = "medium", config: Any = None) -> Any:
        seen["brief"] = config
        raise ConfigError("stop here")

    monkeypatch.setattr(storyline, "ingest", ingest)
    monkeypatch.setattr(storyline, "brief_story", brief_story)
    path = _file(tmp_path, OVERRIDES + '\n[analyze]\nembedder = "minilm-static"\n')
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(tmp_path), "--json", "--config", str(path)])
    config = seen["ingest"]
    assert config.stories.join_threshold == 0.3 and config.analyze.embedder == "minilm-static"
    # One cap for files and pages, as before there were settings files.
    assert config.fetch.max_bytes == config.sources.max_bytes == PipelineConfig().sources.max_bytes
    runner.invoke(app, ["ingest", str(tmp_path), "--json", "--config", str(path), "--embedder", "minilm"])
    assert seen["ingest"].analyze.embedder == "minilm" and seen["ingest"].stories.join_threshold == 0.3
    runner.invoke(app, ["brief", "3", "--config", str(path)])
    assert seen["brief"].briefs.summary.long_words == 150
    # No file: exactly the configs the commands built before settings files.
    runner.invoke(app, ["ingest", str(tmp_path), "--json"])
    default = PipelineConfig()
    expected = replace(default, fetch=replace(default.fetch, max_bytes=default.sources.max_bytes))
    assert seen["ingest"] == expected


def test_watch_runs_with_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def watch(feeds: Any, db: Any = None, config: Any = None, settings: Any = None, **rest: Any) -> list[Any]:
        seen.update(config=config, settings=settings)
        return []

    monkeypatch.setattr(storyline, "watch", watch)
    feeds = _file(tmp_path, "https://example.com/feed.xml\n", "feeds.txt")
    path = _file(tmp_path, OVERRIDES)
    runner = CliRunner()
    runner.invoke(app, ["watch", str(feeds), "--once", "--config", str(path)])
    assert seen["settings"].interval_s == 60.0 and seen["config"].stories.join_threshold == 0.3
    runner.invoke(app, ["watch", str(feeds), "--once", "--config", str(path), "--interval", "30"])
    assert seen["settings"].interval_s == 30.0


def test_the_web_server_runs_with_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from storyline.web.app import app_from_env

    monkeypatch.setenv("STORYLINE_SERVE_DB", str(tmp_path / "news.db"))
    monkeypatch.setenv(CONFIG_ENV, str(_file(tmp_path, OVERRIDES)))
    assert app_from_env().state.config.pipeline.stories.join_threshold == 0.3
