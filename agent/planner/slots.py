"""Argument extraction: the values a marketer puts in a sentence, found with rules.

Each extractor returns what it found and the character spans it used, so that what is left over
(`residue`) can become the subject or product name without dragging in "in Europe" or "$129".
Rules beat a learned tagger here because every value has a recognisable shape (money, SKU, age
band, month, #channel) and a wrong guess must be explainable.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from agent.planner.style import Style, answer_style
from engines.geo import SOUTHERN_HEMISPHERE, alias_table

# --- small vocabularies -------------------------------------------------------------------------

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}

# Pew Research Center's generations by birth year; ages follow from the current year (docs/conversation.md).
BIRTH_YEARS: dict[str, tuple[int, int]] = {
    "gen z": (1997, 2012), "genz": (1997, 2012), "gen-z": (1997, 2012), "zoomers": (1997, 2012), "zoomer": (1997, 2012), "gen zers": (1997, 2012),
    "millennials": (1981, 1996), "millennial": (1981, 1996), "millenials": (1981, 1996), "millenial": (1981, 1996), "gen y": (1981, 1996),
    "gen x": (1965, 1980), "genx": (1965, 1980), "gen-x": (1965, 1980), "gen xers": (1965, 1980),
    "boomers": (1946, 1964), "boomer": (1946, 1964), "baby boomers": (1946, 1964),
}
MARKETING_MIN_AGE = 18  # the youngest adult a campaign audience includes (Gen Z starts at 14 by birth year)
LIFE_STAGES: dict[str, tuple[int | None, int | None]] = {
    "teens": (13, 19), "teenagers": (13, 19), "young adults": (18, 34), "students": (18, 24), "college students": (18, 24),
    "young people": (18, 34), "young women": (18, 34), "young men": (18, 34), "young consumers": (18, 34), "young shoppers": (18, 34), "young folks": (18, 34),
    "young professionals": (25, 34), "seniors": (65, None), "retirees": (65, None), "older adults": (55, None), "middle-aged": (45, 64), "middle aged": (45, 64),
}


def generation_ages(today: date) -> dict[str, tuple[int | None, int | None]]:
    """Every generation and life-stage word with its age band in `today`'s year."""
    bands: dict[str, tuple[int | None, int | None]] = dict(LIFE_STAGES)
    for word, (first, last) in BIRTH_YEARS.items():
        bands[word] = (max(MARKETING_MIN_AGE, today.year - last), today.year - first)
    return bands


FEMALE = ("women", "woman", "female", "females", "ladies", "girls", "moms", "mums", "mothers", "she")
MALE = ("men", "man", "male", "males", "guys", "boys", "dads", "fathers", "he")

DOMAINS = {
    "music": ("music", "genres", "genre", "bands", "artists", "songs", "listen to", "listening to", "listen"),
    "film": ("film", "films", "movie", "movies", "cinema", "tv", "shows", "series", "streaming", "watch", "watching"),
    "food": ("food", "foods", "cuisine", "cuisines", "dishes", "eating", "snacks", "eat", "meals"),
    "drinks": ("drinks", "drink", "beverages", "alcohol", "beer", "wine", "spirits", "cocktails"),
    "hobbies": ("hobbies", "hobby", "interests", "pastimes", "activities", "sports", "for fun", "free time", "spare time"),
    "brands": ("brands", "brand", "labels"),
    "fashion": ("fashion", "clothing", "apparel", "streetwear", "style"),
    "spending": ("spending", "shopping", "spend"),
}

CHANNEL_WORDS = {"web": ("online", "web", "website", "ecommerce", "e-commerce", "dtc", "d2c"), "store": ("store", "stores", "in-store", "retail", "brick and mortar", "shops", "offline"),
                 "catalogue": ("catalogue", "catalog", "mail order", "direct mail"), "social": ("social", "tiktok", "instagram", "influencer", "influencers"), "marketplace": ("marketplace", "amazon", "marketplaces")}

ACTIONS = {"purchase": ("bought", "buy", "buys", "purchased", "purchase", "purchases", "ordered", "checked out"), "add_to_cart": ("added to cart", "add to cart", "add-to-cart", "atc", "carted", "added it to cart", "added to basket", "cart"),
           "wishlist": ("wishlist", "wishlisted", "saved", "favourited", "favorited", "hearted"), "click": ("clicked", "click", "clicks", "tapped", "tap", "picked", "chose", "selected"), "view": ("viewed", "view", "views", "looked at", "saw", "opened")}

CURRENCY = {"$": "USD", "£": "GBP", "€": "EUR", "usd": "USD", "gbp": "GBP", "eur": "EUR", "dollars": "USD", "bucks": "USD", "pounds": "GBP", "quid": "GBP", "euros": "EUR", "euro": "EUR", "pound": "GBP", "dollar": "USD"}

WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1, "a couple of": 2, "couple": 2, "few": 3, "a few": 3}
NUM = r"(-?\s?\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a few|an|a)"


def _num(token: str) -> float:
    token = token.lower().strip()
    return float(WORD_NUMBERS[token]) if token in WORD_NUMBERS else float(token.replace(" ", ""))


@dataclass
class Slots:
    """Everything found in one message. `spans` marks the characters consumed by extractors."""

    text: str
    today: date = field(default_factory=date.today)
    region: str | None = None
    regions: list[str] = field(default_factory=list)
    age_min: int | None = None
    age_max: int | None = None
    audiences: list[dict] = field(default_factory=list)  # several audiences ("gen z vs boomers")
    gender: str | None = None
    domain: str | None = None
    horizon: int | None = None
    frequency: str | None = None
    window_days: int | None = None
    prices: list[float] = field(default_factory=list)
    price_at: list[int] = field(default_factory=list)  # where each price was written: pairs "$59 in the US vs $69 in Canada"
    region_at: list[int] = field(default_factory=list)
    category: str | None = None
    max_price: float | None = None
    min_price: float | None = None
    currency: str | None = None
    starts: list[date] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    sku: str | None = None
    skus: list[str] = field(default_factory=list)  # every SKU named, `sku` first ("forecast 84879 and 22423")
    season_starts: list[date] = field(default_factory=list)  # starts read from "summer", "winter"…: moved 6 months for southern markets
    offered: str | None = None  # what an introduction says the asker sells ("my company sells matcha snacks.")
    prefix: str | None = None
    quoted: list[str] = field(default_factory=list)
    user_id: str | None = None
    session_id: str | None = None
    item_id: str | None = None
    rank: int | None = None
    action: str | None = None
    threshold: float | None = None
    direction: str | None = None
    post_channel: str | None = None
    days_in_row: int | None = None  # "for 3 days in a row", "two straight days": a watch's persistence
    export_format: str | None = None
    result_id: str | None = None
    count: int | None = None
    population: int | None = None
    remove: bool = False
    hype_level: float | None = None  # "assume hype of 80": the buzz a forecast or simulation should assume
    position: int | None = None  # "the first one" = 1, "the last one" = -1: a row of the thread's last list
    voices: str | None = None  # "what are people complaining about?" = negative: the posts a hype answer leads with
    price_order: str | None = None  # "which one is cheapest?" = price_low: search results by price
    cancel: set[str] = field(default_factory=set)  # values the turn drops: "region", "age", "gender"
    domain_span: tuple[int, int] | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    style: Style | None = None  # "3 bullet points for a deck", "make it shorter": how to write the answer

    def consume(self, match: re.Match[str], group: int | str = 0) -> None:
        self.spans.append(match.span(group))


def _find(pattern: str, text: str, flags: int = re.IGNORECASE) -> list[re.Match[str]]:
    return list(re.finditer(pattern, text, flags))


# --- extractors -----------------------------------------------------------------------------------

_REGION_ALIASES = sorted(alias_table().items(), key=lambda kv: -len(kv[0]))
_SHORT_ALIAS_CONTEXT = re.compile(r"(?:\bin|\bfor|\bacross|\bfrom|\bthe|\bto|\bvs\.?|\bversus|\band|\bor|\bwith|\bamong|,|\()\s*$", re.IGNORECASE)


_AMBIGUOUS_ALIASES = {"america", "american", "mountain", "pacific", "texas", "plains", "gulf", "asian", "french", "german", "spanish", "italian", "dutch", "irish", "british", "indian", "chinese", "japanese", "korean", "mexican", "brazilian", "canadian", "australian"}
_PLACE_CONTEXT = re.compile(r"(?:\bin|\bfor|\bacross|\bfrom|\bto|\bthroughout|\bwithin|\bamong|\bof)\s+(?:the\s+)?$|(?:\bin|\bfor|\bacross)\s+(?:the\s+)?[\w\s,&-]{0,40}\b(?:and|or|vs\.?|versus|&)\s+(?:the\s+)?$|^\s*$|\b(?:vs\.?|versus)\s+(?:the\s+)?$", re.IGNORECASE)
_NAME_WORDS = re.compile(r"^\s+(airlines?|airways|air|express|eagle|apparel|outfitters|girl|idol|football|ninja|tourister|greetings|standard)\b", re.IGNORECASE)
_NOT_NAME_WORDS = {"in", "for", "across", "from", "to", "the", "and", "or", "vs", "versus", "of", "north", "south", "latin", "east", "west", "central", "mid", "middle", "great", "all", "whole", "entire"}


def _part_of_name(text: str, m: re.Match[str]) -> bool:
    """A place word inside a capitalised name ("Virgin America") or before a brand noun ("American Airlines")."""
    if _NAME_WORDS.match(text[m.end():]):
        return True
    before = re.search(r"([A-Z][\w&'-]*)\s+$", text[: m.start()])
    return bool(before and m.group(0)[:1].isupper() and before.group(1).lower() not in _NOT_NAME_WORDS and before.start() > 0 and not text[: before.start()].rstrip().endswith((".", "!", "?")))


def extract_regions(s: Slots) -> None:
    """Longest alias first. Two- and three-letter aliases ("us", "na", "eu") count only when written in
    capitals or after a preposition, so "tell us" is not the United States."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for alias, name in _REGION_ALIASES:
        for m in re.finditer(rf"(?<![\w#@]){re.escape(alias)}(?![\w])", s.text, re.IGNORECASE):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            raw = m.group(0)
            if len(alias.replace(".", "")) <= 3 and not (raw.isupper() or _SHORT_ALIAS_CONTEXT.search(s.text[: m.start()])):
                continue
            if alias in _AMBIGUOUS_ALIASES and not _PLACE_CONTEXT.search(s.text[: m.start()]):
                continue  # adjectives and ambiguous words count only after "in/for…"
            if _part_of_name(s.text, m):
                continue  # "Virgin America", "American Airlines": a brand, not a place
            taken.append(m.span())
            found.append((m.start(), name))
    for start, name in sorted(found):
        if name not in s.regions:
            s.regions.append(name)
            s.region_at.append(start)
    s.spans.extend(taken)
    if not s.regions:
        # "… in Atlantis?" at the end of a request names a place we don't know: pass it on, so the
        # tool refuses it with the list of known regions instead of it becoming part of the subject.
        m = re.search(r"\b(?:in|across)\s+((?:the\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s*[?.!]*\s*$", s.text)
        if m and m.group(1).split()[-1].lower() not in MONTHS and m.group(1).lower() not in MONTH_ABBR:
            s.regions.append(m.group(1))
            s.consume(m, 1)
    s.region = s.regions[0] if s.regions else None


def _decade(m: re.Match) -> tuple[int, int]:
    """"20s" → 20–29; "early 20s" → 20–23, "mid 20s" → 24–26, "late 20s" → 27–29."""
    base = int(m.group(2) or m.group(3)) * 10
    part = (m.group(1) or "").lower()
    return {"early": (base, base + 3), "mid": (base + 4, base + 6), "late": (base + 7, base + 9)}.get(part, (base, base + 9))


def _age_band(s: Slots, today: date) -> list[tuple[int, int | None, int | None]]:
    bands: list[tuple[int, int | None, int | None]] = []
    text = s.text
    patterns: list[tuple[str, object]] = [
        (r"\b(?:aged?\s+)?(\d{2})\s*(?:-|–|—|to)\s*(\d{2})s?(?:\s*(?:yo|year[- ]olds?|years? old|y/o))?\b", lambda m: (int(m.group(1)), int(m.group(2)))),
        (r"\b(\d{2})\s*\+(?=\W|$)|\b(\d{2})\s*(?:and|&)\s*(?:over|up|older)\b|\b(?:over|above|older than)[- ](\d{2})s?\b|\b(\d{2})s? and up\b", lambda m: (int(next(g for g in m.groups() if g)), None)),
        (r"\b(?:under|below|younger than|sub)[- ]?(\d{2})s?\b", lambda m: (None, int(m.group(1)) - 1)),
        (r"\b(?:in (?:their|his|her) )?(?:(early|mid|late)[- ])?(\d)0s\b|\b(\d)0-?somethings?\b", _decade),
    ]
    for pattern, build in patterns:
        for m in _find(pattern, text):
            if any(a < m.end() and m.start() < b for a, b in s.spans):
                continue
            lo, hi = build(m)  # type: ignore[operator]
            if (lo is not None and not 13 <= lo <= 100) or (hi is not None and not 13 <= hi <= 120):
                continue
            bands.append((m.start(), lo, hi))
            s.spans.append(m.span())
    for word, (lo, hi) in sorted(generation_ages(today).items(), key=lambda kv: -len(kv[0])):
        for m in _find(rf"\b{re.escape(word)}\b", text):
            if any(a < m.end() and m.start() < b for a, b in s.spans):
                continue
            bands.append((m.start(), lo, hi))
            s.spans.append(m.span())
    return sorted(bands, key=lambda b: b[0])


def extract_audience(s: Slots, today: date) -> None:
    bands = _age_band(s, today)
    if bands:
        _, s.age_min, s.age_max = bands[0]
    female = [m for w in FEMALE for m in _find(rf"\b{w}\b", s.text)]
    male = [m for w in MALE for m in _find(rf"\b{w}\b", s.text) if w not in ("he",)]
    if female and not male:
        s.gender = "female"
    elif male and not female:
        s.gender = "male"
    for m in female + male:
        s.spans.append(m.span())
    if len(bands) >= 2:
        s.audiences = [{"age_min": lo, "age_max": hi} for _, lo, hi in bands]
    elif len(s.regions) >= 2 and re.search(r"\b(vs\.?|versus|compared? (?:to|with)|against)\b", s.text, re.IGNORECASE):
        s.audiences = [{"region": r} for r in s.regions]
    elif female and male:
        s.audiences = [{"gender": "female"}, {"gender": "male"}]


def extract_domain(s: Slots) -> None:
    """The kind of thing asked about ("music", "to eat"). Its words stay in the text: in "our matcha
    energy drink" the word is part of a product name, so only audience questions drop it."""
    for domain, words in DOMAINS.items():
        for w in words:
            m = re.search(rf"\b{w}(?:wise|-wise)?\b", s.text, re.IGNORECASE)
            if m and not any(a <= m.start() < b for a, b in s.spans):
                s.domain = domain
                s.domain_span = m.span()
                return


ORDINALS = {"first": 1, "1st": 1, "top": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
            "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1, "bottom": -1}


def extract_position(s: Slots) -> None:
    """"the first one", "the 2nd result", "the last suggestion": a row of the list the thread last showed."""
    m = re.search(rf"\b(?:the\s+)?({'|'.join(ORDINALS)})\s+(one|result|suggestion|item|product|hit|match|link|completion|listing)s?\b", s.text, re.IGNORECASE)
    if m:
        s.position = ORDINALS[m.group(1).lower()]
        if s.position > 0:
            s.rank = s.rank or s.position
        s.consume(m)


#: what people said, by sentiment: "what are people complaining about?", "what do fans love about it?"
VOICES = {"negative": r"^\s*(?:and\s+|what\s+about\s+|how\s+about\s+)?(?:the\s+)?(?:meanest|nastiest|harshest|most\s+negative)(?:\s+ones?)?\s*\??\s*$|\b(?:complain\w*|complaints?|gripes?|griping|moaning|criticis\w+|criticiz\w+|pain\s+points?|(?:negative|bad|angry|worst|critical)\s+(?:posts|tweets|comments|mentions|reviews|feedback)"
                      r"|(?:unhappy|angry|upset|annoyed|mad)\s+(?:about|with)|(?:people|they|customers|users|fans|folks)\s+(?:hate|dislike)\s+about|what'?s\s+wrong\s+with"
                      r"|(?:worst|nastiest|harshest|meanest|most\s+negative)\s+(?:things?|stuff|comments?|posts?|tweets?|reviews?)(?=.{0,30}\b(?:say|said|saying|post|posted|write|wrote|tweet)))\b",
          "positive": r"^\s*(?:and\s+|what\s+about\s+|how\s+about\s+)?(?:the\s+)?(?:nicest|kindest|most\s+positive)(?:\s+ones?)?\s*\??\s*$|\b(?:(?:positive|good|happy|best|glowing)\s+(?:posts|tweets|comments|mentions|reviews|feedback)|prais\w+|raving\s+about"
                      r"|(?:love|loved|like|liked|enjoy|enjoyed|adore)\s+about|(?:happy|pleased|excited)\s+(?:about|with)"
                      r"|(?:best|nicest|kindest|most\s+positive)\s+(?:things?|stuff|comments?|posts?|tweets?|reviews?)(?=.{0,30}\b(?:say|said|saying|post|posted|write|wrote|tweet)))\b"}


def _first_kind(s: Slots, patterns: dict[str, str]) -> str | None:
    """The first kind whose pattern the text matches (its words consumed), or None."""
    for kind, pattern in patterns.items():
        m = re.search(pattern, s.text, re.IGNORECASE)
        if m:
            s.consume(m)
            return kind
    return None


PRICE_ORDER = {"price_low": r"\b(?:cheapest|least\s+expensive|most\s+affordable|lowest[- ]priced|lowest\s+price)\b",
               "price_high": r"\b(?:most\s+expensive|priciest|highest[- ]priced|highest\s+price|dearest)\b"}


CANCELS = {
    "region": r"\b(?:forget|drop|remove|ignore|without|no|never ?mind|skip|lose|clear)\s+(?:the\s+|about\s+the\s+)?(?:region|country|market|location|geo)(?:\s+filter)?\b|\b(?:any|all)\s+(?:regions|countries|markets)\b|\boverall\b|\bin general\b|\bglobally\b|\bworldwide\b|\beverywhere\b",
    "age": r"\b(?:forget|drop|remove|ignore|without|no|never ?mind|skip|clear)\s+(?:the\s+)?(?:age|ages|age band|age filter)\b|\b(?:all|any)\s+ages?\b",
    "gender": r"\b(?:forget|drop|remove|ignore|without|no|never ?mind|skip|clear)\s+(?:the\s+)?(?:gender|genders)\b|\b(?:any|both|all)\s+genders?\b|\bmen and women\b|\bwomen and men\b",
}


def extract_cancels(s: Slots) -> None:
    """Values the turn drops ("forget the region", "all ages"): a follow-up must not keep them."""
    for key, pattern in CANCELS.items():
        for m in _find(pattern, s.text):
            s.cancel.add(key)
            s.consume(m)
    if "region" in s.cancel and s.region == "Global":
        s.region, s.regions = None, [r for r in s.regions if r != "Global"]


def extract_time(s: Slots, today: date) -> None:
    """Horizons ("12 weeks", "next quarter"), look-back windows ("this week", "past 90 days") and launch months."""
    text = s.text
    unit_days = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "quarter": 91, "year": 365, "yr": 365}
    unit_freq = {"day": "D", "week": "W", "wk": "W", "month": "M", "mo": "M", "quarter": "W", "year": "M", "yr": "M"}
    back = _find(rf"\b(?:last|past|previous|over the last|in the last)\s+{NUM}?\s*(day|week|wk|month|mo|quarter|year|yr)s?\b", text)
    for m in back:
        n = _num(m.group(1)) if m.group(1) else 1
        s.window_days = int(n * unit_days[m.group(2).lower()])
        s.consume(m)
    for m in _find(r"\b(\d{1,3})\s?(d|w|wk|m|mo)\b(?!\s*(?:[$£€]|dollars|pounds|euros))", text):  # terse: "14d", "8w", "6m"
        n, unit = int(m.group(1)), {"d": "day", "w": "week", "wk": "week", "m": "month", "mo": "month"}[m.group(2).lower()]
        if s.window_days is None:
            s.window_days = n * unit_days[unit]
        s.horizon, s.frequency = n, unit_freq[unit]
        s.consume(m)
    rel = {"today": 1, "yesterday": 2, "this week": 7, "this wk": 7, "lately": 30, "recently": 14, "this month": 30, "right now": 7, "rn": 7, "this weekend": 3, "this year": 365}
    for phrase, days in rel.items():
        m = re.search(rf"\b{phrase}\b", text, re.IGNORECASE)
        if m and s.window_days is None:
            s.window_days = days
            s.consume(m)
    for word, freq in {"daily": "D", "weekly": "W", "monthly": "M"}.items():
        m = re.search(rf"\b{word}\b(?:\s+(\d{{1,3}})\b(?!\s*[$£€%]))?", text, re.IGNORECASE)
        if m:
            s.frequency = freq
            if m.group(1) and s.horizon is None:
                s.horizon = int(m.group(1))  # terse: "monthly 6"
            s.consume(m)
    h = re.search(r"\bh\s*=\s*(\d+)", text, re.IGNORECASE)
    if h:
        s.horizon = int(h.group(1))
        s.consume(h)
    fm = re.search(r"\bfreq(?:uency)?\s*=?\s*([dwm])\b", text, re.IGNORECASE)
    if fm:
        s.frequency = fm.group(1).upper()
        s.consume(fm)
    for m in _find(rf"\b(?:for|next|over|the next|coming|out|ahead|horizon(?: of)?)?\s*{NUM}\s*(day|week|wk|month|mo|quarter|year|yr)s?(?:\s*(?:out|ahead))?\b(?![- ]?old)", text):
        if any(a <= m.start() < b for a, b in s.spans) or re.match(r"\s*(?:window|rolling)", text[m.end():], re.IGNORECASE):
            continue
        n = _num(m.group(1))
        unit = m.group(2).lower()
        freq = unit_freq[unit]
        s.frequency = s.frequency or freq
        if n <= 0:
            s.horizon = int(n)  # kept as typed, so the tool refuses it by name instead of guessing
        elif freq == s.frequency and unit not in ("quarter", "year", "yr"):
            s.horizon = int(n)
        else:
            s.horizon = _periods(int(n * unit_days[unit]), s.frequency)
        s.consume(m)
        break
    for m in _find(r"\b(?:next|coming)\s+(quarter|month|year)\b|\b(?:rest of the|end of the|end of)\s+(year|quarter)\b|\b(?:through|thru|until|till|til|to|over|into|for)\s+(?:the\s+)?(christmas|xmas|the holidays|holidays|holiday season|black friday|new year|valentine'?s(?: day)?)\b|\b(holiday season)\b", text):
        if s.horizon is not None or any(a <= m.start() < b for a, b in s.spans):
            continue
        days = _phrase_days(next(g for g in m.groups() if g).lower(), m.group(0).lower(), today)
        s.frequency = s.frequency or ("M" if days >= 360 else "W")
        s.horizon = _periods(days, s.frequency)
        s.consume(m)
    month_words = "|".join(sorted(list(MONTHS) + list(MONTH_ABBR), key=len, reverse=True))
    for m in _find(rf"\b(?:in|on|for|from|starting|start|launch(?:ing)?|vs\.?|versus|or|and|early|late|mid|until|till|til)?\s*({month_words})\b\.?(?:\s+(20\d\d))?", text):
        word = m.group(1).lower()
        if word == "may" and not re.search(r"\b(in|vs\.?|versus|or|and|starting|from|launch(?:ing)?|early|late|mid|until|till|til)\s+may\b|\bmay\s+(vs\.?|or|20\d\d)\b", text, re.IGNORECASE):
            continue  # "may" is usually the verb
        if word in ("mar", "jan", "jun", "jul", "aug", "oct", "nov", "dec", "sep", "feb", "apr", "sept") and not re.search(
                rf"\b(in|vs\.?|or|and|from|starting|launch|until|till)\s+{word}\b|\b{word}\.?\s+(vs\.?|versus|or|and)\s", text, re.IGNORECASE):  # "Sept vs Nov"
            continue
        month = MONTHS.get(word) or MONTH_ABBR.get(word[:3])
        if month is None:
            continue
        start = date(int(m.group(2)), month, 1) if m.group(2) else next_month_start(month, today)
        if start not in s.starts:
            s.starts.append(start)
        s.consume(m, 1)
    season_words = "spring|summer|autumn|winter|fall|holiday season|holidays|back to school|back-to-school|christmas|xmas"
    for m in _find(rf"\b(?:in|for|this|next|by|from|vs\.?|versus|or|and|early|late|mid|before|ahead of|at)\s+(?:the\s+)?({season_words})\b{SEASONAL_GOODS}|\b(spring|summer|autumn|winter)\b{SEASONAL_GOODS}", text):
        if any(a <= m.start() < b for a, b in s.spans):
            continue
        word = (m.group(1) or m.group(2)).lower()
        month = SEASON_MONTH[word]
        start = next_month_start(month, today)
        if start not in s.starts:
            s.starts.append(start)
            if word in NORTHERN_SEASONS:
                s.season_starts.append(start)
        s.consume(m, 1 if m.group(1) else 2)
    q = re.search(r"\bq([1-4])\b", text, re.IGNORECASE)
    if q and not s.starts:
        s.starts.append(next_month_start((int(q.group(1)) - 1) * 3 + 1, today))
        s.consume(q)


#: a season word naming goods ("christmas decorations", "summer dresses") is part of a product, not a date
SEASONAL_GOODS = (r"(?!\s+(?:decorations?|lights?|trees?|cards?|gifts?|jumpers?|sweaters?|ornaments?|baubles?|crackers?|stockings?|wreaths?|candles?|dresses?"
                  r"|hats?|tops?|shoes|sandals|collection|range|edition|garland|bunting|wrap|wrapping|paper|tableware|mugs?|socks|pyjamas|pajamas)\b)")
NORTHERN_SEASONS = {"spring", "summer", "autumn", "fall", "winter"}  # the months of SEASON_MONTH are the northern hemisphere's
SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12, "holiday season": 11, "holidays": 11, "back to school": 8, "back-to-school": 8,
                "christmas": 12, "xmas": 12}


def next_month_start(month: int, today: date) -> date:
    """The first day of `month` this year when it has not passed yet (the current month counts), else next year's."""
    return date(today.year if month >= today.month else today.year + 1, month, 1)


def _next_date(today: date, month: int, day: int) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year > today else date(today.year + 1, month, day)


def _phrase_days(key: str, phrase: str, today: date) -> int:
    """Days from today that a horizon phrase covers ("through christmas", "next quarter", "rest of the year")."""
    if key == "quarter":
        return 91
    if key == "month":
        return 30
    if key == "year" and ("rest" in phrase or "end" in phrase):
        return (date(today.year, 12, 31) - today).days or 365
    if key == "year":
        return 365
    anchors = {"christmas": (12, 25), "xmas": (12, 25), "the holidays": (12, 31), "holidays": (12, 31), "holiday season": (12, 31), "black friday": (11, 27), "new year": (12, 31)}
    month, day = anchors.get(key, (2, 14))
    return (_next_date(today, month, day) - today).days


def _periods(days: int, frequency: str) -> int:
    """A span of days as a number of periods of the forecast's frequency, at least one."""
    per = {"D": 1.0, "W": 7.0, "M": 30.44}[frequency]
    return max(1, math.ceil(days / per - 0.15))


def extract_money(s: Slots) -> None:
    text = s.text
    price = r"(?:([$£€])\s?(\d[\d,]*(?:\.\d+)?)(k)?|(\d[\d,]*(?:\.\d+)?)(k)?\s?(usd|gbp|eur|dollars?|bucks|pounds?|quid|euros?)\b)"
    for m in _find(r"(?:-\s?[$£€]\s?|[$£€]\s?-\s?)(\d[\d,]*(?:\.\d+)?)", text):
        s.prices.append(-float(m.group(1).replace(",", "")))  # "$-20": kept, so the tool says what is wrong with it
        s.price_at.append(m.start())
        s.consume(m)
    for m in _find(rf"\bbetween\s*{price}\s*(?:and|-|–|to)\s*{price}", text):
        s.min_price, s.max_price = _money_value(m, 1), _money_value(m, 7)
        s.consume(m)
    for m in _find(r"\bbetween\s*[$£€]?\s?(\d[\d,]*(?:\.\d+)?)\s*(?:and|-|–|to)\s*[$£€]?\s?(\d[\d,]*(?:\.\d+)?)\s*(?:usd|gbp|eur|dollars?|bucks|pounds?|quid|euros?)\b", text):
        if not any(a <= m.start() < b for a, b in s.spans):
            s.min_price, s.max_price = float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))
            s.consume(m)
    # "at 99, 119 and 129 dollars", "29 or 39 bucks": a list whose currency is written once, at its end
    for m in _find(r"(?<![\w.$£€])(\d[\d,]*(?:\.\d+)?)((?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|vs\.?|versus)\s+)\d[\d,]*(?:\.\d+)?)+\s?(usd|gbp|eur|dollars?|bucks|pounds?|quid|euros?)\b", text):
        if any(a <= m.start() < b for a, b in s.spans):
            continue
        for number in re.findall(r"\d[\d,]*(?:\.\d+)?", m.group(0)):
            s.prices.append(float(number.replace(",", "")))
            s.price_at.append(m.start())
        s.currency = CURRENCY.get(m.group(3).lower(), s.currency)
        s.consume(m)
    for m in _find(rf"\b(under|below|less than|cheaper than|max|up to|<)\s*{price}", text):
        s.max_price = _money_value(m, 2)
        s.consume(m)
    for m in _find(rf"\b(over|above|more than|min|at least|>)\s*{price}", text):
        if any(a <= m.start() < b for a, b in s.spans):
            continue
        s.min_price = _money_value(m, 2)
        s.consume(m)
    for m in _find(price, text):
        if any(a <= m.start() < b for a, b in s.spans):
            continue
        value = _money_value(m, 1)
        s.prices.append(value)
        s.price_at.append(m.start())
        s.currency = CURRENCY.get((m.group(1) or m.group(6) or "").lower() or m.group(1) or "", s.currency)
        s.consume(m)
    if not s.prices:
        m = re.search(r"\b(?:at|price(?:d)? (?:at|of)?|for)\s+(\d{1,5}(?:\.\d{1,2})?)(?!\s*(?:%|weeks?|wks?|days?|months?|k\b|people|buyers|personas))\b", text, re.IGNORECASE)
        if m and re.search(r"\b(price|priced|try it|at)\b", text, re.IGNORECASE) and not (ALERT_WORDS.search(text) and not re.search(r"\bpric", text, re.IGNORECASE)):
            s.prices.append(float(m.group(1)))
            s.price_at.append(m.start())
            s.consume(m)


def _money_value(m: re.Match[str], first_group: int) -> float:
    groups = m.groups()
    idx = first_group - 1
    symbol_amount, symbol_k, word_amount, word_k = groups[idx + 1], groups[idx + 2], groups[idx + 3], groups[idx + 4]
    amount, k = (symbol_amount, symbol_k) if symbol_amount else (word_amount, word_k)
    value = float(amount.replace(",", ""))
    return value * 1000 if k else value


def extract_ids(s: Slots) -> None:
    text = s.text
    for m in _find(r"\b((?:[a-z_]{2,14}|result)-[0-9a-f]{12})\b", text):
        s.result_id = m.group(1)
        s.consume(m)
    for m in _find(r"\bsku[\s#:]*([A-Za-z0-9]{3,12})\b|\b(\d{5}[A-Za-z]{0,2})\b", text):
        if any(a <= m.start() < b for a, b in s.spans):
            continue
        value = m.group(1) or m.group(2)
        if not any(ch.isdigit() for ch in value):
            continue
        s.skus.append(value.upper() if value[-1].isalpha() else value)
        s.consume(m)
    s.sku = s.skus[0] if s.skus else None
    for m in _find(r"\b(?:user|customer|shopper|uid|user_id|for)[\s:#=]*([a-z]?\d{1,10}|u[-_]?\d[a-z0-9]{0,15})\b|\b(u\d{1,10})\b", text):
        value = m.group(1) or m.group(2)
        if value and (m.group(2) or re.match(r"(user|customer|shopper|uid|user_id)", m.group(0), re.IGNORECASE) or value.lower().startswith("u")):
            s.user_id = value
            s.consume(m)
            break
    for m in _find(r"\b(?:session|sess|sid)[\s:#=]*([a-z0-9_-]{2,64})\b", text):
        s.session_id = m.group(1)
        s.consume(m)
    for m in _find(r"\b(?:item|product|asin|id|sku)[\s:#=]*([A-Za-z0-9_-]*\d[A-Za-z0-9_-]*)\b|\b([0-9a-f]{16,40}|[A-Z0-9]{10})\b", text):
        value = m.group(1) or m.group(2)
        if value != s.user_id and not any(a <= m.start() < b for a, b in s.spans) and (m.group(1) or any(ch.isdigit() for ch in value)):
            s.item_id = value
            s.consume(m)
            break
    for m in _find(r"(?:\b(?:rank|position|pos|slot)\s*#?|\bat\s*#|(?<![\w&])#)\s*(\d{1,3})\b|\b(\d{1,2})(?:st|nd|rd|th) (?:result|position|slot|suggestion)", text):
        s.rank = int(m.group(1) or m.group(2))
        s.consume(m)
    for m in _find(r"\b(\d{1,2})\s+of them\b|\b(\d{1,2})\s+(?:buyer\s+|customer\s+|user\s+)?(?:personas?|archetypes?|profiles?|segments?)\b|\b(?:top|make it|give me|show me|want)\s+(\d{1,2})\b", text):
        s.count = int(next(g for g in m.groups() if g))
        s.consume(m)
    for m in _find(r"\b(\d+(?:\.\d+)?)\s*(k|m|million|thousand)?\s+(?:synthetic\s+)?(?:buyers|people|personas|agents|shoppers|consumers)\b", text):
        n = float(m.group(1)) * {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}.get((m.group(2) or "").lower(), 1)
        if n >= 100:
            s.population = int(n)
            s.consume(m)


def extract_quotes_and_prefix(s: Slots) -> None:
    for m in _find(r"(?<![^\W_])[\"“'‘]([^\"”'’]{1,200})[\"”'’]", s.text):  # not an apostrophe inside a word ("I'm", "what's")
        s.quoted.append(m.group(1))
        s.consume(m)
    if s.quoted:
        s.prefix = s.quoted[0]
        return
    m = re.search(r"\b(?:after|prefix|typing|typed|types|starting with|starts with|begins with|(?:searches|queries|search terms) (?:for|about|containing|around|on|with)|complete|completions? (?:for|of)|suggestions? (?:for|after)|autocomplete(?: for)?|typeahead(?: for)?)\s*:?\s*([^\s?!,.]{1,40}(?:\s[^\s?!,.]{1,20})?)", s.text, re.IGNORECASE)
    if m:
        candidate = m.group(1).strip()
        if candidate.split()[0].lower() not in {"the", "a", "user", "for", "our", "my", "what", "this", "that", "it", "show", "shows", "suggest", "give", "return", "returns", "look", "looks", "be", "do", "say", "says", "work", "works", "offer", "offers"}:
            s.prefix = candidate.split()[0] if len(candidate.split()) > 1 and candidate.split()[1].lower() in {"for", "from", "by", "in", "pls", "please", "now"} else candidate
            s.consume(m, 1)


PEOPLE_WORDS = r"(?:women|woman|men|man|guys|ladies|people|ppl|adults|folks|customers|shoppers|buyers|consumers|users|fans|parents|moms|dads|aged|ages?|students|gamers|everyone|anyone|those|females?|males?)"
ALERT_WORDS = re.compile(r"\b(alert|alarm|notify|ping|watch|monitor|warn|tell|let (?:me|us) know|threshold|trigger)\w*\b", re.IGNORECASE)


def _is_age(text: str, m: re.Match[str]) -> bool:
    """"women over 55", "aged above 40", "over 50s": an age, not a hype threshold."""
    return bool(re.search(rf"\b{PEOPLE_WORDS}\s*(?:\w+\s+)?$", text[: m.start()], re.IGNORECASE) or re.match(r"\s*(?:s\b|\+|years?|yrs?|yo\b|-year)", text[m.end():], re.IGNORECASE))


def extract_watch(s: Slots) -> None:
    text = s.text
    m = re.search(r"\b(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?\s+(?:in\s+a\s+row|running|straight)|(?:consecutive|straight)\s+days?)\b", text, re.IGNORECASE)
    if m:
        s.days_in_row = int(_num(m.group(1)))
        s.consume(m)
    above = r"(?:\b(?:above|over|exceeds?|crosses|hits?|passes|tops|reaches|goes over|goes above|gets above|past|more than|higher than|greater than|rises above|climbs above)|>=?)"
    below = r"(?:\b(?:below|under|drops? (?:below|under|to)|falls? (?:below|under|to)|dips? (?:below|under)|goes under|goes below|less than|lower than|sinks below)|<=?)"
    for direction, pattern in (("above", above), ("below", below)):
        for m in _find(rf"{pattern}\s*(\d{{1,3}}(?:\.\d+)?)(?!\d|\.\d|\s*(?:%|k\b|dollars|bucks|usd|eur|gbp|pounds|euros|days?|weeks?|wks?|months?|years?|yrs?|quarters?))", text):
            if s.threshold is not None or _is_age(text, m) or any(a <= m.start() < b for a, b in s.spans) or float(m.group(1)) > 100 or re.search(r"\bprice\s*$", text[: m.start()], re.IGNORECASE):
                continue
            s.threshold, s.direction = float(m.group(1)), direction
            s.consume(m)
    if s.threshold is None:
        m = re.search(r"\bthreshold(?: of| at|:|=)?\s*(\d{1,3})\b", text, re.IGNORECASE)
        if m:
            s.threshold = float(m.group(1))
            s.consume(m)
    if s.threshold is None and ALERT_WORDS.search(text):
        m = re.search(r"\b(?:at|to|=)\s*(\d{1,3})(?!\s*(?:%|days?|weeks?|k\b|[.:]\d))\b", text, re.IGNORECASE)
        if m and float(m.group(1)) <= 100 and not any(a <= m.start() < b for a, b in s.spans):
            s.threshold = float(m.group(1))
            s.consume(m)
    m = re.search(r"\b(\d{1,3})[- ]?days?\s+(?:window|rolling|average)\b|\b(?:window|rolling)\s+(?:of\s+)?(\d{1,3})\s+days?\b", text, re.IGNORECASE)
    if m:
        s.window_days = int(m.group(1) or m.group(2))
        s.consume(m)
    m = re.search(r"https?://\S+", text)
    if m:
        s.post_channel = "webhook:" + m.group(0).rstrip(".,)")
        s.consume(m)
    m = re.search(r"(?<![\w&])#(?!\d{1,3}\b)([a-z0-9][a-z0-9_-]{0,79})", text, re.IGNORECASE)
    if m and not s.post_channel:
        s.post_channel = "slack:#" + m.group(1)
        s.consume(m)
    m = re.search(r"\bdiscord(?: channel)?\s*#?(\d{6,22}|[a-z0-9_-]+)", text, re.IGNORECASE)
    if m:
        s.post_channel = "discord:" + m.group(1)
        s.consume(m)
    if re.search(r"\b(stop|remove|delete|cancel|unwatch|kill|turn off|disable|drop)\b", text, re.IGNORECASE):
        s.remove = True


def extract_channels(s: Slots) -> None:
    for channel, words in CHANNEL_WORDS.items():
        for w in words:
            m = re.search(rf"\b{re.escape(w)}\b", s.text, re.IGNORECASE)
            if m and not any(a <= m.start() < b for a, b in s.spans):
                if channel not in s.channels:
                    s.channels.append(channel)
                s.consume(m)


def extract_engagement(s: Slots) -> None:
    for action, words in ACTIONS.items():
        for w in words:
            m = re.search(rf"\b{re.escape(w)}\b", s.text, re.IGNORECASE)
            if m:
                s.action = action
                s.consume(m)
                return


def extract_hype_level(s: Slots) -> None:
    m = re.search(r"\b(?:assume|assuming|with|at|given)?\s*(?:a\s+)?hype\s*(?:score\s*|level\s*)?(?:of|at|=|around|~)\s*(\d{1,3})\b", s.text, re.IGNORECASE)
    if m and float(m.group(1)) <= 100 and not ALERT_WORDS.search(s.text) and not any(a <= m.start() < b for a, b in s.spans):
        s.hype_level = float(m.group(1))
        s.consume(m)


def extract_category(s: Slots) -> None:
    """"in the home decor category", "category: toys": a catalog category to search or suggest within."""
    masked = "".join("," if any(a <= i < b for a, b in s.spans) else ch for i, ch in enumerate(s.text))  # what earlier rules read ends a name
    m = re.search(r"\b(?:in|within|from|under)\s+(?:the\s+)?([\w&' -]{2,40}?)\s+(?:category|section|department|aisle)\b|\bcategory[\s:=]+([\w&' -]{2,40}?)(?=\s*[,.?!]|$)", masked, re.IGNORECASE)
    if m:
        s.category = (m.group(1) or m.group(2)).strip()
        s.consume(m)


def extract_export(s: Slots) -> None:
    m = re.search(r"\b(pdf|csv|json|excel|spreadsheet|xlsx)\b", s.text, re.IGNORECASE)
    if m:
        s.export_format = {"excel": "csv", "spreadsheet": "csv", "xlsx": "csv"}.get(m.group(1).lower(), m.group(1).lower())
        s.consume(m)


#: a clause in which the asker says who they are: a role or a business, ended by punctuation
INTRODUCTION = (r"(?:^|(?<=[.!?,]\s))(?:hi\b[^.!?,]{0,20}[,.!]?\s*)?(?:as|i'?m|i am|we'?re|we are|this is|here at|i|we)\s+(?:(?:run|own|manage|work (?:at|for)|working (?:at|for|with)|with|at|from|have|(?:run|do|lead|head|handle)\s+(?:marketing|growth|brand|sales|e-?commerce|social)\s+(?:for|at))\s+)?(?:a|an|the|our)\s+[^.!?,;]{0,60}?"
                r"\b(?:manager|lead|head|director|marketer|brand|company|retailer|team|startup|shop|store|boutique|business|founder|agency|vp|cmo|analyst|buyer|planner|owner"
                r"|chain|school|university|college|app|platform|studio|clinic|gym|restaurant|cafe|café|bakery|hotel|label)s?\b[^.!?,;]{0,40}?[.!?,;]"
                r"|(?:^|(?<=[.!?]\s))(?:(?:my|our)\s+(?:company|brand|team|shop|store|business|startup|agency|client|firm|label)\s+(?:sells|makes|does|produces|offers|imports|distributes|designs)"
                r"|(?:we|i)\s+(?:sell|make|produce|offer|import|distribute|design)|we'?re\s+(?:selling|making|launching))\s+(?P<offer>[^.!?;]{2,80})[.!?;]"
                r"|(?:^|(?<=[.!?,]\s))[\w&'’ -]{0,30}?\b(?:pm|manager|lead|head|director|marketer|founder|analyst|buyer|planner|cmo|vp|owner|intern|strategist|brand|company|startup|shop|store|team|agency)\s+here\b\s*[.!,;:—-]*"
                # "founder of a gen-z skincare brand.", "head of growth at a DTC coffee startup,"
                r"|(?:^|(?<=[.!?,]\s))(?:the\s+)?[\w&'’ -]{0,25}?\b(?:co-?founder|founder|ceo|cmo|cto|vp|owner|head of [\w ]{2,20}|manager|director|lead|marketer|buyer|planner|analyst|strategist)\s+(?:of|at|for)\s+(?:a|an|the|our|my)\s+[^.!?,;]{0,60}?[.!?,;]")


#: an opening greeting in its own clause ("Guten Tag.", "hi team,", "good morning!")
GREETING = (r"^\s*(?:hi|hello|hey|hiya|howdy|yo|heya|greetings|guten (?:tag|morgen)|bonjour|hola|ciao|salut|ol[áa]|hallo|hej|konnichiwa|namaste|ni ?hao|bom dia|buenos d[ií]as|buongiorno|ahoj|merhaba|annyeong(?:haseyo)?|g'?day|good (?:morning|afternoon|evening)|dear [\w ]{1,30})"
            r"(?:\s+(?:there|team|all|everyone|folks|caeser|bot|again))?\s*[,.!]+")


def _southern(start: date, today: date) -> date:
    """A northern season's start moved to the same season south of the equator: six months on, the next such month."""
    return next_month_start((start.month + 5) % 12 + 1, today)


def extract(text: str, today: date | None = None) -> Slots:
    """All slots of one message. Order matters: ids and quotes first, so later rules don't re-read them."""
    today = today or date.today()
    s = Slots(text=text, today=today)
    extract_quotes_and_prefix(s)
    for m in _find(r"\bset\s+(?:up\s+)?(?:an?\s+|the\s+|my\s+|our\s+)?(?=alert|alarm|watch|reminder|schedule|digest|report|email|e-mail|notification|threshold|test|experiment)|\bset\s+(?:it|that|this|them)\b", text):
        s.consume(m)  # "set an alert …" is an instruction; "gift set", "lego sets" name products
    offer = None
    for m in _find(INTRODUCTION, text):
        s.consume(m)  # "As a brand manager at a toy company, …": who is asking, not what about
        if m.group("offer") and offer is None:
            offer = extract(m.group("offer"), today)  # "our team sells premium yoga mats (~$89).": the product and its price
    for m in _find(GREETING, text):
        s.consume(m)  # "Guten Tag." opens the message; it names nothing
    s.style, spans = answer_style(text)
    s.spans.extend(spans)  # "need 3 bullet points for a pitch deck:" is how to answer, not what about
    extract_hype_level(s)
    extract_position(s)
    s.voices = _first_kind(s, VOICES)  # "what are people complaining about?": a hype answer led by those posts
    s.price_order = _first_kind(s, PRICE_ORDER)  # "which one is cheapest?": products by price
    extract_ids(s)
    extract_money(s)
    extract_watch(s)
    extract_time(s, today)
    extract_regions(s)
    extract_cancels(s)
    extract_audience(s, today)
    extract_domain(s)
    extract_channels(s)
    extract_engagement(s)
    extract_category(s)
    extract_export(s)
    for m in _find(r"\b(?:a\s+)?(?:quick\s+|fast\s+|rough\s+|first\s+)?(?:read|take|pulse check|gut check|sense)\s+on\b", text):
        s.consume(m)  # "give me a quick read on …": how to answer, not what about
    for m in _find(r"\b(?:care|cares|cared|caring)\s+(?:about|for)\b|\b(?:is|are|am|get|gets)\s+interested\s+in\b", text):
        s.consume(m)  # "what do gen x women care about?": a taste question, not the item "care"
    for m in _find(r"\b(a\s+)?(good|bad|smart|wise|sensible|great|terrible|dumb)\s+(idea|move|bet|call|plan)\b", text):
        s.consume(m)  # "is that a smart move?" judges the plan; "smart" alone names products ("smart ring")
    if s.season_starts and s.regions and all(r in SOUTHERN_HEMISPHERE for r in s.regions):
        s.starts = [_southern(d, today) if d in s.season_starts else d for d in s.starts]  # summer in Australia starts in December
    if offer is not None:
        s.offered = next(iter(residue_runs(offer)), None)  # the first thing named: "candles on Etsy" sells candles
        if not s.prices:
            s.prices, s.currency = offer.prices, s.currency or offer.currency
    return s


# --- residue: the subject -------------------------------------------------------------------------

FILLER = set("""
a an the of on for about with to in at by from and or but vs versus is are was were be been being do does did doing done will would could should can may might must shall
what whats what's how hows how's who whom which when where why whether if then than that this these those it its it's they them their there here our we us you your yours my me i
please pls plz thx thanks pretty really just actually lol lmm hmm ok okay k so also too now again any some much many more most very quick quickly q qq among amongst rn tbh ngl fyi asap
give show tell get let lets let's want need like know see check run make build do compute calculate find look pull send create up into out over up down all every
score scores scoring rate rating level levels number numbers figure figures stats breakdown metric metrics trend trending trends going doing performing
hype hyped hypes hyep hpye buzz buzzing chatter talk talking noise loud mentions momentum sentiment vibe vibes social socials twitter tiktok reddit internet online people everyone anyone
forecast forecasts forcast forecasting fcst fcast predict prediction projection project projected projections demand sales sell selling sold units unit qty quantity outlook expect expected plan stock inventory
peak peaks season seasonal seasonality week weeks wk wks month months day days year years quarter next coming ahead out horizon periods period
simulate simulation simmulate sim simulations scenario scenarios what-if whatif model launch launching launches launched release releasing drop dropping price priced pricing
persona personas personaes archetype archetypes profile profiles buyer buyers customer customers segment segments audience audiences
suggest suggests suggestion suggestions autosuggest autocomplete autocompletes typeahead completion completions complete search box query queries prefix typed typing types
product products item items sku skus listing listings catalog catalogue results result
watch watching watches alert alerts alerting notify notification ping monitor monitoring track tracking threshold me
report export exports download pdf csv json file
like likes love loves into prefer preferences tastes taste affinity affinities resonate resonates
compare comparison differ difference differences contrast between
analyze analyse analysis readout full complete plan go-to-market gtm hit flop success successful market marketing strategy
new our my brand brands stuff thing things guys team hey hi yo
same instead try it that those ones one again redo else other another version
am im i'm i’m aimed targeted targeting getting gonna hotter winning currently overall forget region regions ignore general
globally worldwide everywhere right think reckon guess wondering curious hoping maybe probably them ones
only switch limit point fine has have had then post posting delete list even configured went off r u ur ya yeah yep nope
shoppers folks consumers users something anything assume add picked harder faster better worse bigger stronger saying say says
test measure gauge assess evaluate around surrounding regarding
ppl abt bout w wrt re about positioning position opinion success successful work works working land landing perform fare received
whos who's who whose which whichever kindly please hello hi hey dear compair nice cool great awesome thanks thx perfect sure alright okay ok side alarm change move update raise lower bump adjust edit
fans fan also enjoy enjoys kind kinds sort type types good great well doing done much many let lets whats how's wat wats hw pls plz
we're were we've we'd thinking planning considering weighing idea ideas bad move bet call both either
poppin popping happening goin sup whole entire looking shaping faring holding seem seems
parents parent moms mums dads mothers fathers families households
sell sells selling sold team premium target targeting as marketer marketers hiya heya howdy quick question
""".split())


def residue_runs(s: Slots, extra_stop: set[str] | None = None, keep_domain: bool = True) -> list[str]:
    """The runs of words no extractor used and that are not filler, in order: names and subjects.
    Filler between words breaks a run, so "united or american" gives two runs."""
    chars = list(s.text)
    spans = list(s.spans) + ([] if keep_domain or s.domain_span is None else [s.domain_span])
    for a, b in spans:
        for i in range(max(0, a), min(len(chars), b)):
            chars[i] = " "
    left = "".join(chars)
    stop = FILLER | (extra_stop or set())
    kept: list[str] = []
    joining = 0  # after a possessive ("Virgin America's new loyalty card") filler does not break the name
    for piece in re.split(r"([,;:!?()\[\]{}]|\s[-–—]\s|\.\s)", left):
        if piece is None or re.fullmatch(r"[,;:!?()\[\]{}]|\s[-–—]\s|\.\s", piece):
            kept.append("|")
            joining = 0
            continue
        for raw in re.findall(r"[A-Za-z0-9][\w&+.'’-]*", piece):
            w = re.sub(r"['’]s$", "", raw.strip(".'’-"))
            core = w.lower()
            if core in NAMED_NOUNS and kept and kept[-1] != "|":
                kept.append(w)  # "a dive watch", "Apple Watch": the noun of a name, not the verb "watch"
                joining = 0
                continue
            if not core or core in stop:
                if joining and core in POSSESSED_FILLER:
                    joining -= 1
                    continue
                kept.append("|")  # a break: runs are kept apart
                joining = 0
                continue
            kept.append(w)
            joining = 2 if w != raw.strip(".'’-") else 0
    runs = [re.sub(r"\s+", " ", r).strip() for r in " ".join(kept).split("|")]
    return [r for r in runs if r and not re.fullmatch(r"[\d\s.,]+", r)]


def residue(s: Slots, extra_stop: set[str] | None = None, keep_domain: bool = True) -> str:
    """The best run of residue: usually the product or subject name (a capitalised name first, then
    several words over one, then the earliest)."""
    runs = residue_runs(s, extra_stop, keep_domain)
    if not runs:
        return ""
    order = {r: i for i, r in reversed(list(enumerate(runs)))}
    opening = s.text.lstrip()

    def named(r: str) -> bool:  # "Kindly …" at the start of a sentence is not a name
        return r[:1].isupper() and not (opening.startswith(r.split()[0]) and len(r.split()) == 1)

    return max(runs, key=lambda r: (named(r), any(ch.isupper() for ch in r[1:]) or named(r), len(r.split()) > 1, -order[r]))


POSSESSED_FILLER = {"new", "latest", "upcoming", "next", "own", "the", "a"}
#: filler words that end a product's name when a name word comes just before them ("dive watch", "smart watches")
NAMED_NOUNS = {"watch", "watches"}
