"""Entities across articles: the per-article entities of nlp/entities.py merged into canonical
ones ("Ebrahim Raisi", "Ibrahim Raisi" and "Raisi" are one person), each with the titles every
source gives it and the articles that name it.

The small model calls one name a person in one article and a place in another: the evidence of
all its mentions across the articles decides (each article's entity brings the weight of what
typed it: its mentions, more for those the words around them typed). People merge by surname when their given names are
compatible; everything else by name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from storyline.model import Analysis, Article, Entity, EntityType


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """One entity across articles: "Ebrahim Raisi", "Ibrahim Raisi" and "Raisi" are one person."""

    name: str
    type: EntityType
    aliases: tuple[str, ...]
    titles_by_source: dict[str, tuple[str, ...]]
    article_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type.value,
            "aliases": list(self.aliases),
            "titles_by_source": {k: list(v) for k, v in self.titles_by_source.items()},
            "articles": len(self.article_ids),
            "article_ids": list(self.article_ids),
        }


def resolve_articles(articles: Iterable[tuple[int, Article, Analysis | None]]) -> list[CanonicalEntity]:
    """Canonical entities across articles given as ``(article_id, article, analysis)`` (one not
    analysed yet is passed over), most reported first. Each article speaks for its outlet, or for
    itself when its outlet is unknown ("article 12, outlet unknown": never its locator, which may be
    a local file path), so the titles each source gives stay apart."""
    return resolve(
        (article_id, article.outlet or f"article {article_id}, outlet unknown", analysis.entities)
        for article_id, article, analysis in articles
        if analysis is not None
    )


def resolve(items: Iterable[tuple[int, str, tuple[Entity, ...]]]) -> list[CanonicalEntity]:
    """Merge per-article entities (``(article_id, source, entities)``) into canonical entities.

    People merge by surname when their given names are compatible (equal, one missing, or a
    transliteration one or two letters apart: Ebrahim/Ibrahim); everything else by name. Most
    reported first (then by name).
    """
    items = list(items)
    # The small model calls one name a person here and a place there: the type with the most
    # evidence across the articles wins ("in Lào Cai" in one outweighs the bare name in another);
    # an entity stored without its evidence counts its mentions.
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for _, _, entities in items:
        for entity in entities:
            votes[entity.name.casefold()][entity.type] += entity.evidence or len(entity.mentions)
    opening = _family_first(items)
    groups: list[dict[str, Any]] = []
    index: dict[tuple[EntityType, str], list[dict[str, Any]]] = defaultdict(list)
    for article_id, source, entities in items:
        for entity in entities:
            kind = votes[entity.name.casefold()].most_common(1)[0][0]
            if kind is not entity.type:
                entity = Entity(
                    entity.name, kind, entity.mentions, entity.titles if kind is EntityType.PERSON else ()
                )
            surname = opening.get(entity.name, entity.name).split()[-1]
            key = (entity.type, surname.lower() if entity.type is EntityType.PERSON else entity.name.lower())
            group = next((g for g in index[key] if _compatible(g["names"], entity)), None)
            if group is None:
                group = {
                    "type": entity.type,
                    "names": defaultdict(int),
                    "titles": defaultdict(list),
                    "ids": set(),
                }
                index[key].append(group)
                groups.append(group)
            group["names"][entity.name] += 1
            group["ids"].add(article_id)
            for title in entity.titles:
                if title not in group["titles"][source]:
                    group["titles"][source].append(title)
    result = []
    for group in groups:
        names = group["names"]
        canonical = max(names, key=lambda n: (len(n.split()) > 1, names[n], len(n)))
        result.append(
            CanonicalEntity(
                canonical,
                group["type"],
                tuple(sorted(n for n in names if n != canonical)),
                {k: tuple(v) for k, v in group["titles"].items()},
                tuple(sorted(group["ids"])),
            )
        )
    return sorted(result, key=lambda e: (-len(e.article_ids), e.name))


def _family_first(items: list[tuple[int, str, tuple[Entity, ...]]]) -> dict[str, str]:
    """One-word people that are a family name written first ("Xi" of "Xi Jinping"): the one full
    name of the story that opens with the word, when no full name ends with it."""
    people = {e.name for _, _, entities in items for e in entities if e.type is EntityType.PERSON}
    full = [name.split() for name in people if " " in name]
    last = {words[-1] for words in full}
    opening: dict[str, set[str]] = defaultdict(set)
    for words in full:
        opening[words[0]].add(" ".join(words))
    return {
        name: next(iter(opening[name]))
        for name in people
        if " " not in name and name not in last and len(opening.get(name, ())) == 1
    }


def _compatible(names: dict[str, int], entity: Entity) -> bool:
    if entity.type is not EntityType.PERSON:
        return True
    given = _given(entity.name)
    return all(not given or not _given(n) or _close(given, _given(n)) for n in names)


def _given(name: str) -> str:
    parts = name.split()
    return parts[-2].lower() if len(parts) > 1 else ""


def _close(a: str, b: str) -> bool:
    import difflib

    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
