"""Markdown of a brief: plurals and spaces as a person writes them, a round trip through a dict."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.briefs.format import markdown
from storyline.model import Brief, BriefSentence, Citation, Discrepancy, TimelineEntry


def _said(text: str, outlet: str = "Wire") -> BriefSentence:
    return BriefSentence(text, (Citation(3, outlet, "Crash", 0, 0, len(text)),))


def _brief() -> Brief:
    return Brief(
        "story",
        9,
        "Plane lands safely",
        "medium",
        ("Wire", "Daily"),
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 3, 2, tzinfo=UTC),
        (_said("The plane landed with 180 passengers."),),
        discrepancies=(
            Discrepancy(
                "number",
                "passengers",
                (
                    ("180", _said("It carried 180 passengers.")),
                    ("181", _said("It carried 181 passengers.", "Daily")),
                ),
            ),
            Discrepancy(
                "number",
                "hours",
                (("4", _said("It circled for 4 hours.")), ("5", _said("It circled for 5 hours.", "Daily"))),
            ),
        ),
        timeline=(
            TimelineEntry(
                "2026-03-01",
                "meeting",
                ("Rui Amaral",),
                "Planalto Palace",
                "asserted",
                _said("Rui Amaral met them at the Planalto Palace."),
            ),
        ),
        independent_sources=2,
    )


def test_plurals_and_places_read_right() -> None:
    text = markdown(_brief())
    assert "Figures for passengers:" in text and "passengerss" not in text
    assert "Figures for hours:" in text and "hourss" not in text
    assert "Rui Amaral in Planalto Palace" in text and "Amaralin" not in text


def test_a_brief_survives_its_dict() -> None:
    brief = _brief()
    assert Brief.from_dict(brief.to_dict()) == brief
