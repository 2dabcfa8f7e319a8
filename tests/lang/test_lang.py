from __future__ import annotations

import pytest

from storyline.errors import ConfigError
from storyline.lang import DEFAULT, language


def test_an_unknown_or_malformed_code_falls_back_to_english() -> None:
    assert language("xx").code == DEFAULT
    assert language(None).code == DEFAULT
    assert language("../en").code == DEFAULT


def test_a_missing_resource_says_where_to_add_it() -> None:
    with pytest.raises(ConfigError, match=r"lang/en/no-such-list\.txt"):
        language("en").words("no-such-list")
    assert not language("en").has("no-such-list")
