"""Destination text: every accepted form round-trips; anything else names the accepted forms."""
from __future__ import annotations

import pytest

from engines.destinations import parse_destination


@pytest.mark.parametrize("text, stored", [
    ("slack:#brand", "slack:#brand"), ("discord:123456789012", "discord:123456789012"), ("webhook:team", "webhook:team"),
    ("email:Ana@Shop.example", "email:Ana@Shop.example"), ("sheets:1AbCdEfGhIjKlMnOpQrStUv/Plan", "sheets:1AbCdEfGhIjKlMnOpQrStUv/Plan"),
    ("sheets:https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWx/edit#gid=0", "sheets:1AbCdEfGhIjKlMnOpQrStUvWx/caeser"),
])
def test_forms_round_trip(text, stored):
    assert parse_destination(text).text == stored and parse_destination(stored).text == stored


@pytest.mark.parametrize("text, words", [("fax:0123", "unknown destination"), ("email:bob", "not an e-mail address"), ("sheets:x", "not a Google spreadsheet")])
def test_bad_forms_say_what_to_write(text, words):
    with pytest.raises(ValueError, match=words):
        parse_destination(text)
