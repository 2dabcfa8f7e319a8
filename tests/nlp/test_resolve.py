"""Entities across articles: one entity per person across spellings, titles kept by source."""

from __future__ import annotations

from pathlib import Path

import storyline
from storyline.model import Analysis, Article, Entity, EntityType, Genre, Mention
from storyline.nlp.resolve import resolve, resolve_articles


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
    """Entities across articles: by outlet, by the article itself ("article 2, outlet unknown", never
    its locator, which may be a local file path) when its outlet is unknown, and an article not
    analysed yet passed over."""
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
        "article 2, outlet unknown": ("Russia's defence minister",),
    }


def test_demo_conflicting_titles_are_kept_by_source(demo_db: Path) -> None:
    valadares = next(e for e in storyline.entities(demo_db) if e.name == "Rui Valadares")
    titles = {t.lower() for found in valadares.titles_by_source.values() for t in found}
    assert "former deputy foreign minister" in titles
    assert any(t.endswith("foreign minister") and "former" not in t for t in titles)
    assert len(valadares.article_ids) >= 5


def test_a_name_takes_the_type_with_the_most_evidence_across_articles() -> None:
    # One article names the province twice with nothing around it (the model: a person), another
    # once as "in Lào Cai" (a place by the words around it, evidence 3): the story says place,
    # for every mention. An entity stored without its evidence counts its mentions.
    bare = Entity("Lào Cai", EntityType.PERSON, (Mention("Lào Cai", 0, 7), Mention("Lào Cai", 40, 47)), (), 2)
    placed = Entity("Lào Cai", EntityType.PLACE, (Mention("Lào Cai", 12, 19),), (), 3)
    [found] = resolve([(1, "a.example", (bare,)), (2, "b.example", (placed,))])
    assert found.type is EntityType.PLACE and found.article_ids == (1, 2)
    unknown = Entity("LÀO CAI", EntityType.PLACE, (Mention("LÀO CAI", 0, 7),))
    [found] = resolve([(1, "a.example", (bare,)), (2, "b.example", (unknown,))])
    assert found.type is EntityType.PERSON  # 2 against 1, one name whatever its case
    assert Entity.from_dict(placed.to_dict()) == placed
    assert Entity.from_dict({k: v for k, v in placed.to_dict().items() if k != "evidence"}).evidence == 0


def test_a_family_name_written_first_joins_its_full_name_across_articles() -> None:
    def person(name: str) -> Entity:
        return Entity(name, EntityType.PERSON, (Mention(name, 0, len(name)),))

    merged = resolve(
        [(1, "A", (person("Xi Jinping"),)), (2, "B", (person("Xi"),)), (3, "C", (person("Li"),))]
    )
    xi = next(e for e in merged if e.name == "Xi Jinping")
    assert xi.article_ids == (1, 2) and xi.aliases == ("Xi",)
    # A one-word name that some full name ends with is a surname, read as before.
    merged = resolve([(1, "A", (person("Anna Lee"), person("Lee Chong"))), (2, "B", (person("Lee"),))])
    assert next(e for e in merged if e.name == "Anna Lee").article_ids == (1, 2)
