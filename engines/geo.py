"""Canonical regions and the words people use for them.

Shared by every engine and by the planner, so that "NA", "north america" and "US & Canada" all
mean one region, and an unknown place is refused with the known list instead of guessed.
Regions form a small tree: world > continent-level markets > countries (and US census regions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    name: str
    kind: str  # "world" | "market" | "country" | "us_region"
    parent: str | None
    aliases: tuple[str, ...] = ()


REGIONS: tuple[Region, ...] = (
    Region("Global", "world", None, ("global", "worldwide", "world", "everywhere", "all regions", "all markets")),
    Region("North America", "market", "Global", ("north america", "na", "n. america", "north american", "us and canada", "us & canada", "usa and canada")),
    Region("Latin America", "market", "Global", ("latin america", "latam", "south america", "central america", "latin american")),
    Region("Europe", "market", "Global", ("europe", "eu", "european", "emea", "western europe")),
    Region("Asia Pacific", "market", "Global", ("asia pacific", "apac", "asia", "asian", "asia-pacific", "oceania")),
    Region("Middle East & Africa", "market", "Global", ("middle east", "africa", "mea", "middle east and africa", "gulf")),
    Region("United States", "country", "North America", ("united states", "us", "usa", "u.s.", "u.s.a.", "america", "the states", "american", "americans")),
    Region("Canada", "country", "North America", ("canada", "canadian", "canadians")),
    Region("Mexico", "country", "Latin America", ("mexico", "mexican", "mexicans")),
    Region("Brazil", "country", "Latin America", ("brazil", "brasil", "brazilian", "brazilians")),
    Region("United Kingdom", "country", "Europe", ("united kingdom", "uk", "u.k.", "britain", "great britain", "england", "british", "brits", "britons")),
    Region("Germany", "country", "Europe", ("germany", "german", "deutschland", "germans")),
    Region("France", "country", "Europe", ("france", "french")),
    Region("Spain", "country", "Europe", ("spain", "spanish", "spaniards")),
    Region("Italy", "country", "Europe", ("italy", "italian", "italians")),
    Region("Netherlands", "country", "Europe", ("netherlands", "holland", "dutch")),
    Region("Ireland", "country", "Europe", ("ireland", "eire", "irish")),
    Region("Slovakia", "country", "Europe", ("slovakia", "slovak")),
    Region("Japan", "country", "Asia Pacific", ("japan", "japanese")),
    Region("China", "country", "Asia Pacific", ("china", "chinese")),
    Region("India", "country", "Asia Pacific", ("india", "indian")),
    Region("Australia", "country", "Asia Pacific", ("australia", "aus", "australian", "aussies", "australians")),
    Region("South Korea", "country", "Asia Pacific", ("south korea", "korea", "korean", "koreans")),
    Region("New England", "us_region", "United States", ("new england", "connecticut", "maine", "massachusetts", "new hampshire", "rhode island", "vermont", "boston")),
    Region("Middle Atlantic", "us_region", "United States", ("middle atlantic", "mid atlantic", "mid-atlantic", "new jersey", "new york", "pennsylvania", "nyc", "philadelphia")),
    Region("East North Central", "us_region", "United States", ("east north central", "midwest", "great lakes", "illinois", "indiana", "michigan", "ohio", "wisconsin", "chicago", "detroit")),
    Region("West North Central", "us_region", "United States", ("west north central", "plains", "iowa", "kansas", "minnesota", "missouri", "nebraska", "north dakota", "south dakota")),
    Region("South Atlantic", "us_region", "United States", ("south atlantic", "southeast", "south east", "delaware", "florida", "maryland", "north carolina", "south carolina", "west virginia", "miami", "atlanta")),
    Region("East South Central", "us_region", "United States", ("east south central", "deep south", "alabama", "kentucky", "mississippi", "tennessee", "nashville")),
    Region("West South Central", "us_region", "United States", ("west south central", "texas", "arkansas", "louisiana", "oklahoma", "houston", "dallas", "austin")),
    Region("Mountain", "us_region", "United States", ("mountain", "mountain west", "mountain states", "rockies", "arizona", "colorado", "idaho", "montana", "nevada", "new mexico", "utah", "wyoming", "denver", "las vegas", "phoenix")),
    Region("Pacific", "us_region", "United States", ("pacific", "west coast", "pacific northwest", "alaska", "california", "hawaii", "oregon", "los angeles", "san francisco", "seattle", "portland", "bay area", "socal", "norcal")),
)

#: regions whose seasons run opposite to the northern hemisphere's ("summer" in Australia starts in December)
SOUTHERN_HEMISPHERE = frozenset({"Australia", "Brazil"})

#: countries that sales data names but REGIONS does not hold (they have no population tables), by
#: the market they belong to: what "sales in Europe" sums
OTHER_COUNTRY_MARKETS: dict[str, str] = {
    **dict.fromkeys(("sweden", "switzerland", "belgium", "norway", "portugal", "finland", "channel islands", "denmark", "cyprus", "austria", "poland",
                     "greece", "iceland", "malta", "lithuania", "european community", "czech republic", "luxembourg", "hungary", "romania"), "Europe"),
    **dict.fromkeys(("singapore", "hong kong", "taiwan", "new zealand", "thailand", "malaysia", "indonesia", "philippines", "vietnam"), "Asia Pacific"),
    **dict.fromkeys(("israel", "uae", "united arab emirates", "lebanon", "rsa", "south africa", "bahrain", "saudi arabia", "qatar", "egypt", "nigeria",
                     "kenya", "turkey"), "Middle East & Africa"),
    **dict.fromkeys(("argentina", "chile", "colombia", "peru"), "Latin America"),
}

_BY_NAME = {r.name.lower(): r for r in REGIONS}
_ALIASES: dict[str, Region] = {}
for _r in REGIONS:
    _ALIASES[_r.name.lower()] = _r
    for _a in _r.aliases:
        _ALIASES[_a] = _r


class UnknownRegion(ValueError):
    def __init__(self, text: str):
        super().__init__(f"unknown region {text!r}; known regions: {', '.join(known_region_names())}")
        self.text = text


def known_region_names() -> list[str]:
    return [r.name for r in REGIONS]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace("_", " "))


def resolve_region(text: str) -> Region:
    """Canonical region for a name or alias; raises UnknownRegion (with the known list) otherwise."""
    region = _ALIASES.get(_norm(text))
    if region is None:
        raise UnknownRegion(text)
    return region


def alias_table() -> dict[str, str]:
    """alias -> canonical name, for text extraction (longest aliases should be tried first)."""
    return {alias: region.name for alias, region in _ALIASES.items()}


def ancestors(name: str) -> list[str]:
    """The region and every region containing it, nearest first: engines fall back up this chain."""
    chain: list[str] = []
    region: Region | None = _BY_NAME.get(name.lower())
    while region is not None:
        chain.append(region.name)
        region = _BY_NAME.get(region.parent.lower()) if region.parent else None
    return chain


def market_of(country: str) -> str | None:
    """The market (North America, Europe…) a country name belongs to, or None when unknown."""
    region = _ALIASES.get(_norm(country))
    if region is None:
        return OTHER_COUNTRY_MARKETS.get(_norm(country))
    return next((name for name in ancestors(region.name) if _BY_NAME[name.lower()].kind == "market"), None)


def is_market(text: str) -> bool:
    """Whether the text names a market (several countries), not a country."""
    region = _ALIASES.get(_norm(text))
    return region is not None and region.kind == "market"
