"""Entities on the seeds and the demo: names the small model misses, titles by source, one entity
per person across spellings."""

from __future__ import annotations

from pathlib import Path

import storyline
from storyline.model import Analysis, Article, Entity, EntityType, Genre, Mention
from storyline.nlp.entities import resolve, resolve_articles
from storyline.store import StoredArticle


def _entities(stored: StoredArticle) -> dict[str, Entity]:
    assert stored.analysis is not None
    return {e.name: e for e in stored.analysis.entities}


def test_seed_004_people_places_and_titles(seed_articles: dict[str, StoredArticle]) -> None:
    found = _entities(seed_articles["004"])
    assert found["Ibrahim Raisi"].type is EntityType.PERSON
    assert {m.text for m in found["Ibrahim Raisi"].mentions} == {"Ibrahim Raisi", "Raisi"}
    assert found["Vladimir Putin"].type is EntityType.PERSON and len(found["Vladimir Putin"].mentions) >= 3
    assert "Russian Defense Minister" in found["Sergei Shoigu"].titles
    assert "Defense" not in found  # a title word, not an organisation
    for place in ("Moscow", "Kremlin", "Gaza", "Riyadh"):
        assert found[place].type is EntityType.PLACE, place
    for country in ("Russia", "Iran", "United Arab Emirates"):
        assert found[country].type is EntityType.COUNTRY, country


def test_seed_araghchi_and_the_titles_each_source_gives(seed_articles: dict[str, StoredArticle]) -> None:
    analysis = _entities(seed_articles["000"])["Seyed Abbas Araghchi"]
    assert "Iran’s Foreign Minister" in analysis.titles
    speculative = _entities(seed_articles["003"])["Abbas Araghchi"]
    assert {m.text for m in speculative.mentions} >= {"Abbas Araghchi", "Araghchi"}
    assert "former deputy foreign minister" in speculative.titles
    assert "Russian President" in _entities(seed_articles["000"])["Vladimir Putin"].titles


def test_one_person_across_spellings() -> None:
    def person(name: str, *titles: str) -> Entity:
        return Entity(name, EntityType.PERSON, (Mention(name, 0, len(name)),), titles)

    merged = resolve(
        [
            (1, "A", (person("Ebrahim Raisi", "President"),)),
            (2, "B", (person("Ibrahim Raisi", "Iran's president"), person("Raisi"))),
            (3, "C", (person("Raisi"),)),
            (4, "D", (person("Ahmad Raisi"),)),  # a different Raisi
        ]
    )
    raisi = [e for e in merged if e.name.endswith("Raisi")]
    assert len(raisi) == 2
    main = max(raisi, key=lambda e: len(e.article_ids))
    assert main.article_ids == (1, 2, 3)
    assert set(main.aliases) | {main.name} == {"Ebrahim Raisi", "Ibrahim Raisi", "Raisi"}
    assert main.titles_by_source == {"A": ("President",), "B": ("Iran's president",)}


def test_articles_speak_for_their_outlet_or_themselves() -> None:
    """Entities across articles: by outlet, by the article's own locator when its outlet is unknown,
    and an article not analysed yet passed over."""
    shoigu = Entity(
        "Sergei Shoigu", EntityType.PERSON, (Mention("Sergei Shoigu", 0, 13),), ("defence minister",)
    )

    def article(locator: str, outlet: str | None) -> Article:
        return Article(locator, "h", "Talks", (), outlet=outlet)

    def analysis(*titles: str) -> Analysis:
        entity = Entity(shoigu.name, shoigu.type, shoigu.mentions, titles)
        return Analysis("h", (), Genre.REPORT, 0.0, (entity,))

    merged = resolve_articles(
        [
            (1, article("a.html", "Harbor Courier"), analysis("defence minister")),
            (2, article("notes/b.txt", None), analysis("Russia's defence minister")),
            (3, article("c.html", "Meridian Wire"), None),
        ]
    )
    assert [(e.name, e.article_ids) for e in merged] == [("Sergei Shoigu", (1, 2))]
    assert merged[0].titles_by_source == {
        "Harbor Courier": ("defence minister",),
        "notes/b.txt": ("Russia's defence minister",),
    }


def test_demo_conflicting_titles_are_kept_by_source(demo_db: Path) -> None:
    valadares = next(e for e in storyline.entities(demo_db) if e.name == "Rui Valadares")
    titles = {t.lower() for found in valadares.titles_by_source.values() for t in found}
    assert "former deputy foreign minister" in titles
    assert any(t.endswith("foreign minister") and "former" not in t for t in titles)
    assert len(valadares.article_ids) >= 5


def test_names_fold_only_into_the_same_person() -> None:
    from storyline.nlp.entities import _full_form

    named = [(0, "George H. W. Bush"), (50, "George W. Bush"), (100, "Seyed Abbas Araghchi")]
    named += [(200, "Dorothy Brown"), (300, "LaTonya Brown")]
    longest = sorted({n for _, n in named}, key=lambda n: (-len(n), n))
    assert _full_form("George W. Bush", 50, named, longest) == "George W. Bush"
    assert _full_form("Bush", 60, named, longest) == "George W. Bush"  # the Bush named last
    assert _full_form("Abbas Araghchi", 150, named, longest) == "Seyed Abbas Araghchi"
    assert _full_form("Dorothy Brown", 200, named, longest) == "Dorothy Brown"
    assert _full_form("Brown", 350, named, longest) == "LaTonya Brown"


def _analysed(*blocks: str) -> dict[str, Entity]:
    from storyline.config import AnalyzeConfig
    from storyline.model import Block, BlockKind
    from storyline.nlp.analyze import analyze

    article = Article("test", "h", None, tuple(Block(BlockKind.PARAGRAPH, b) for b in blocks))
    return {e.name: e for e in analyze(article, AnalyzeConfig(embedder="")).entities}


def test_names_stay_inside_their_block_and_end_on_a_letter() -> None:
    # A title's name ran on over the blank line into the next block ("Nixon" + "W. Mark Felt" as one
    # name, in ECB+), and a name could end with what followed it ("Herbert Flynn Jr: ").
    found = _analysed(
        "He had served under President Nixon",
        "W. Mark Felt, the former FBI deputy director, died on Thursday.",
        "Police told the victim's uncle, Walter Brand Jr: 'We have arrested a man.'",
    )
    assert not [name for name in found if "\n" in name or name != name.strip(" :'")], list(found)
    assert "W. Mark Felt" in found and found["W. Mark Felt"].type is EntityType.PERSON
