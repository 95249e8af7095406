"""Regions, their aliases and the market a country belongs to."""
from __future__ import annotations

from engines.geo import is_market, market_of


def test_countries_known_or_only_named_by_sales_data_belong_to_a_market() -> None:
    assert market_of("EIRE") == "Europe" and market_of("Channel Islands") == "Europe" and market_of("USA") == "North America"
    assert market_of("Hong Kong") == "Asia Pacific" and market_of("RSA") == "Middle East & Africa" and market_of("Europe") == "Europe"
    assert market_of("Atlantis") is None and market_of("Unspecified") is None


def test_only_markets_are_markets() -> None:
    assert is_market("europe") and is_market("LatAm") and not is_market("Germany") and not is_market("Global")
