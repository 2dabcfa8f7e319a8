"""One honest identity per outlet: domains, publisher names, feed titles; never a folder's name."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import storyline
from storyline.config import ExtractConfig, PipelineConfig
from storyline.text.outlets import feed_site_name, identify, is_press_release, registrable_domain, wire_agency
from tests.conftest import DATASETS, need

ARTICLE = " ".join(
    f"The regional council met on Tuesday to debate the harbour plan for the {n}th time, and residents "
    "said the vote would change the town."
    for n in range(1, 5)
)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://sites.amd.com/us/press/1", "amd.com"),
        ("https://www.amd.com/en/news", "amd.com"),
        ("http://www.bbc.co.uk/news/world-1", "bbc.co.uk"),
        ("https://news.bbc.co.uk/2/hi/1", "bbc.co.uk"),
        ("https://edition.cnn.com/2013/05/03/x", "cnn.com"),
        ("https://news.example/bridge", "news.example"),
        # A private suffix: two sites on one host are two outlets.
        ("https://someblog.github.io/post/1", "someblog.github.io"),
        ("http://127.0.0.1:8000/a", None),
        ("http://localhost/a", None),
        (None, None),
    ],
)
def test_registrable_domain(url: str | None, domain: str | None) -> None:
    assert registrable_domain(url) == domain


def test_one_identity_for_names_and_subdomains() -> None:
    site = identify("https://www.meridianwire.example/a", site_name="Meridian Wire")
    feed = identify("https://meridianwire.example/b", feed_title="Meridian Wire – Top News")
    assert site is not None and feed is not None
    assert site.key == feed.key == "meridianwire.example"
    assert site.name == feed.name == "Meridian Wire" and site.rank > feed.rank
    assert feed_site_name("BBC News - World") == "BBC News"
    # No evidence: no outlet.
    assert identify(None) is None


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("LONDON (Reuters) - The central bank raised rates on Thursday.", "Reuters"),
        ("WASHINGTON (AP) — The Senate passed the bill.", "Associated Press"),
        ("The Senate passed the bill late on Friday.\n— AP", "Associated Press"),
        ("PARIS (AFP) - Strikes closed the metro.", "AFP"),
        ("Shares rose 3 percent. (Reporting by Jane Doe; Editing by Tom Brown)", "Reuters"),
        # Another wire's copy, in the same closing style: its dateline credits it.
        (
            "LIMA, May 2 (Andes Wire) — Shares rose. (Reporting by Jane Doe; Editing by Tom Brown)",
            "Andes Wire",
        ),
        ("Copyright 2013 The Associated Press. All rights reserved.", "Associated Press"),
        # Not credit lines.
        ("The reporter said she had read Reuters for years before joining the paper.", None),
        ("He said the ap was fine and the pa system worked.", None),
    ],
)
def test_wire_agency_credit_lines(text: str, agency: str | None) -> None:
    assert wire_agency(text) == agency


def test_press_releases_are_primary_sources() -> None:
    assert is_press_release("SUNNYVALE, Calif. -- (BUSINESS WIRE) -- AMD today announced ...", None, None)
    assert is_press_release("AMD today announced a new chip.", "AMD Announces New Chip", "amd.com")
    assert not is_press_release("AMD today announced a new chip.", "AMD Announces New Chip", "bbc.co.uk")
    assert not is_press_release("The Times said on Monday ...", "Times journalists strike", "thetimes.co.uk")


def _write_text(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode("cp1252").replace(b"\n", b"\r\n"))


def test_a_folder_name_is_not_an_outlet(tmp_path: Path) -> None:
    _write_text(tmp_path / "ecb", "a.txt", "Harbour plan debated\n\n" + ARTICLE)
    _write_text(tmp_path / "ecb", "b.txt", "Council debates the harbour\n\nLONDON (Reuters) - " + ARTICLE)
    db = tmp_path / "s.db"
    storyline.ingest([tmp_path / "ecb"], db=db)
    stored = {Path(s.article.locator).name: s.article for s in storyline.articles(db=db)}
    # The folder names no outlet; a text's own credit line does ("LONDON (Reuters) -").
    assert stored["a.txt"].outlet is None and stored["b.txt"].outlet == "Reuters"
    assert stored["b.txt"].agency == "Reuters"
    outlets = {o["name"]: o["articles"] for o in storyline.outlets(db)}
    assert outlets == {"(unknown outlet)": 1, "Reuters": 1}
    # Unknown outlets are each their own independent source.
    for story in storyline.stories(db=db):
        assert story.independent_sources == len([a for a in story.articles if a.duplicate_of is None])
    # The user may say which outlet a folder is.
    db2 = tmp_path / "s2.db"
    storyline.ingest(
        [tmp_path / "ecb"], db=db2, config=PipelineConfig(extract=ExtractConfig(outlet="ECB Wire"))
    )
    assert {s.article.outlet for s in storyline.articles(db=db2)} == {"ECB Wire"}


def test_demo_outlets_fold_feed_titles_and_sites(demo_db: Path, truth: dict[str, object]) -> None:
    outlets = {o["name"]: o for o in storyline.outlets(demo_db)}
    names = {o["name"] for o in truth["outlets"]}  # type: ignore[index, union-attr]
    # Every demo outlet under one name: "Meridian Wire – Top News" (its feed) is Meridian Wire.
    assert names <= set(outlets), set(outlets)
    assert not any("Top News" in name for name in outlets)


def test_real_pages_get_domain_or_publisher_outlets(tmp_path: Path) -> None:
    pages = sorted(need(DATASETS / "extraction" / "html").glob("*.html.gz"))[:20]
    folder = tmp_path / "saved"
    folder.mkdir()
    for page in pages:
        (folder / page.name[:-3]).write_bytes(gzip.decompress(page.read_bytes()))
    db = tmp_path / "s.db"
    storyline.ingest([folder], db=db, config=PipelineConfig(analyze_on_ingest=False))
    found = storyline.outlets(db)
    # Never the folder's name.
    assert all(o["name"].lower() != "saved" for o in found)
    known = [o for o in found if o["key"]]
    assert len(known) >= 10, json.dumps(found, indent=1)[:2000]
    # Each identity's domains are registrable domains, not hosts.
    for outlet in known:
        for domain in outlet["domains"]:
            assert registrable_domain(f"http://{domain}/") == domain


def test_a_company_newsroom_release_is_primary() -> None:
    text = "HP today announced that it will acquire a consulting company.\n\nAbout HP\n\nHP focuses on ..."
    assert is_press_release(
        text, "HP to Expand Services", "hp.com", "http://www.hp.com/hpinfo/newsroom/press/1.html"
    )
    # The same story on a news site is coverage.
    story = "HP said on Monday that it will acquire a consulting company, analysts said."
    assert not is_press_release(
        story, "HP to buy data centre consultants", "zdnet.com", "http://zdnet.com/hp-1"
    )


@pytest.mark.parametrize(
    ("url", "site_name", "shown"),
    [
        # Sections and platform labels are not an outlet's name: a known domain's name is shown
        # (lang/en/outlet-domains.txt), else the domain.
        ("https://www.reuters.com/article/x", "U.S.", "Reuters"),
        ("https://hosted.ap.org/citizensvoice/x", "Hosted", "Associated Press"),
        # Taglines are trimmed; names that fit their domain are kept; a handle in lower case is the
        # site's address, not a name, so the domain is shown.
        ("https://www.autoracing.com.br/x", "Autoracing | F1 | Indy | MotoGP", "Autoracing"),
        ("https://www.politifact.com/x", "@politifact", "politifact.com"),
        ("https://www.ctpost.com/x", "Connecticut Post", "Connecticut Post"),
        ("https://www.newsnation.in/x", "https://www.newsnation.in", "newsnation.in"),
        ("https://www.mysanantonio.com/x", "San Antonio Express-News", "San Antonio Express-News"),
    ],
)
def test_site_names_that_fit_their_domain(url: str, site_name: str, shown: str) -> None:
    found = identify(url, site_name=site_name)
    assert found is not None and found.name == shown


def test_a_site_naming_itself_is_not_a_release() -> None:
    assert not is_press_release("A review.", "Clymer manual review | MoreBikes", "morebikes.co.uk", None)
    text = "PolitiFact explains tariffs.\n\nAbout PolitiFact"
    assert not is_press_release(
        text, "PolitiFact’s guide to tariffs", "politifact.com", "https://politifact.com/a"
    )
