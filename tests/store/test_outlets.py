"""Outlets: one identity across names and domains, shown by its surest name, and the evidence of
page furniture (short lines per outlet and page) with the re-pass it calls for."""

from __future__ import annotations

from storyline.store import Store
from tests.store.conftest import put

DOMAIN = "bayline.example"


def _save(
    store: Store, name: str, outlet: str, rank: int, keys: set[str], content: bytes | None = None
) -> int:
    return put(
        store,
        name,
        name,
        f"Text of {name}.",
        outlet=outlet,
        content=content,
        outlet_key=DOMAIN,
        rank=rank,
        lines=keys,
    )


def test_an_outlet_is_shown_by_its_surest_name(store: Store) -> None:
    first = _save(store, "a", "bayline.example", 1, set())
    _save(store, "b", "Bayline Daily", 3, set())
    (outlet,) = store.outlets()
    assert outlet["name"] == "Bayline Daily" and outlet["articles"] == 2
    assert outlet["names"] == ["bayline.example", "Bayline Daily"] and outlet["domains"] == [
        "bayline.example"
    ]
    # Every article of the outlet goes by the one name, the first one too.
    assert store.article(first).article.outlet == "Bayline Daily"


def test_furniture_evidence_counts_pages_not_copies(store: Store) -> None:
    _save(store, "a", "Bayline Daily", 3, {"menu", "a-only"})
    _save(store, "b", "Bayline Daily", 3, {"menu"})
    # The same bytes at another locator: one page of evidence, not two.
    copy = _save(store, "b-copy", "Bayline Daily", 3, {"menu"}, content=b"Text of b.")
    assert store.line_counts("Bayline Daily", {"menu", "a-only", "none"}) == {"menu": 2, "a-only": 1}
    assert store.frequent_lines("Bayline Daily", 2) == {"menu": 2}
    assert store.has_copy("Bayline Daily", store.raw_document(copy).content_hash)
    assert not store.has_copy("Other", store.raw_document(copy).content_hash)
    assert len(store.article_ids_with_lines("Bayline Daily", ["menu"])) == 3
    assert store.pending_repass() == ["Bayline Daily"]
    store.done_repass("Bayline Daily")
    assert store.pending_repass() == []


def test_renaming_an_outlet_renames_its_articles_and_follows(store: Store) -> None:
    first = _save(store, "a", DOMAIN, 1, set())
    assert (DOMAIN, DOMAIN, 1) in store.outlet_names()
    store.follow("reader-1", "outlet", DOMAIN)
    store.follow("reader-2", "outlet", DOMAIN)
    store.follow("reader-2", "outlet", "Bayline Daily")
    store.rename_outlet(DOMAIN, "Bayline Daily", 2)
    # Its followers follow it by its new name, once each.
    assert [f.value for f in store.follows("reader-1")] == ["Bayline Daily"]
    assert [f.value for f in store.follows("reader-2")] == ["Bayline Daily"]
    (outlet,) = store.outlets()
    assert outlet["name"] == "Bayline Daily" and outlet["names"] == [DOMAIN, "Bayline Daily"]
    assert store.article(first).article.outlet == "Bayline Daily"
    store.rename_outlet("nobody.example", "Nobody", 2)  # an outlet the store does not hold: nothing
    assert [k for k, _, _ in store.outlet_names()] == [DOMAIN]
