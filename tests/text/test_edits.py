"""Edit bookkeeping: edits of several passes stay positioned in the final text."""

from __future__ import annotations

from storyline.text.edits import Edit, apply_edits


def test_earlier_edits_move_with_the_text_before_them() -> None:
    text, done = apply_edits("a  b c", [Edit("whitespace", 1, "  ", " ")], [])
    assert text == "a b c"
    text, done = apply_edits(text, [Edit("merged-words", 0, "a", "x y")], done)
    assert text == "x y b c"
    for edit in done:
        assert text[edit.start : edit.start + len(edit.after)] == edit.after
    assert [e.start for e in done] == [0, 3]


def test_an_edit_over_text_an_earlier_pass_wrote_absorbs_it() -> None:
    text, done = apply_edits("itxs", [Edit("lossy-mojibake", 2, "x", "\u2022")], [])
    text, done = apply_edits(text, [Edit("mojibake", 1, "t\u2022", "T")], done)
    assert text == "iTs"
    # One edit from the first pass's ``before`` to the second's ``after``.
    assert done == [Edit("mojibake", 1, "tx", "T")]
