"""From slots to a tool's arguments, amending the previous call on follow-ups.

`build_arguments(tool, slots, previous)` returns the arguments and the names of required ones
still missing (which become a clarifying question). `previous` is the last call in the thread:
its arguments are the defaults for a follow-up of the same tool, and its subject carries over to
another tool ("watch it", "personas for that").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import product as cartesian
from typing import Any

from agent.planner.experiment_args import EXPERIMENT_BUILDERS
from agent.planner.slots import FILLER, Slots, extract, residue, residue_runs
from engines.geo import UnknownRegion, resolve_region
from engines.persona.population import AGE_BANDS
from tools.formatting import CURRENCY_SYMBOLS

SUBJECT_KEYS = ("subject", "product", "query", "sku", "prefix")


@dataclass
class Listed:
    """One row of the list the thread last showed (search hits or suggestions), for "the first one"."""

    item_id: str
    label: str


@dataclass
class PreviousCall:
    tool: str
    args: dict[str, Any]
    listed: list[Listed] = field(default_factory=list)
    ok: bool = True  # whether the call answered (a failed "create" leaves nothing to update)
    audiences: list[dict] = field(default_factory=list)  # the thread's audiences, oldest first: what "the two" compares
    shown_items: list[str] = field(default_factory=list)  # the items the last affinity answer ranked: what to compare them on
    also: list[dict[str, Any]] = field(default_factory=list)  # the same turn's earlier calls of this tool (several SKUs or product groups forecast at once)
    buyers: dict[str, Any] = field(default_factory=dict)  # the last simulation's buyers as an audience: what "those people" are

    def subject(self) -> str | None:
        """The thing the previous call was about, whatever the tool called it."""
        for key in SUBJECT_KEYS:
            value = self.args.get(key)
            if value:
                return str(value)
        items = self.args.get("items")
        return ", ".join(items) if items else None


def _audience(slots: Slots, base: dict | None) -> dict:
    audience = dict(base or {})
    if "region" in slots.cancel:
        audience.pop("region", None)
    if "age" in slots.cancel:
        audience.pop("age_min", None), audience.pop("age_max", None)
    if "gender" in slots.cancel:
        audience.pop("gender", None)
    if slots.region:
        audience["region"] = slots.region
    if slots.age_min is not None or slots.age_max is not None:
        audience["age_min"], audience["age_max"] = slots.age_min, slots.age_max
    if slots.gender:
        audience["gender"] = slots.gender
    return {k: v for k, v in audience.items() if v is not None}


def _subject(slots: Slots, extra_stop: set[str] | None = None) -> str:
    """The thing named: quoted, else the best residue, else what the asker introduced themselves as
    selling ("Our brand makes vegan wallets. How will they do with gen z?")."""
    if slots.quoted:
        return slots.quoted[0]
    return residue(slots, extra_stop) or slots.offered or ""


def _set_subject(args: dict, key: str, subject: str, ctx: PreviousCall | None) -> None:
    """The named subject, else the one the previous call was about ("watch it", "personas for that").
    A follow-up keeps its subject unless the turn names another thing: a capitalised name, several
    words, or a word after "now/what about/how about/for" — not one stray lower-case word."""
    if subject and args.get(key) and not _names_a_subject(subject):
        return
    if subject:
        args[key] = subject
    elif not args.get(key) and ctx and ctx.subject():
        args[key] = ctx.subject()


PERIOD_DAYS = {"D": 1, "W": 7, "M": 30}
#: a follow-up that sets the last subject against another one ("compare that with google", "vs delta?")
RIVAL = re.compile(r"\b(compared?|stacks?\s+up)\s+((that|this|it)\s+)?(to|with|w/|against)\s|^\s*(and\s+)?(compared (to|with)|vs\.?|versus|against|next to)\b"
                   r"|\b(better|worse|hotter|bigger|stronger|weaker)(\s+or\s+\w+)?\s+than\s", re.IGNORECASE)
COMPARATIVE = re.compile(r"\b(or|vs\.?|versus|than|compared (?:to|with)|against)\b", re.IGNORECASE)


def _names_a_subject(text: str) -> bool:
    return any(ch.isupper() for ch in text) or len(text.split()) > 1 or len(text) >= 4 and text.isalpha()


#: "… at SXSW", "during CES 2024": a capitalised name after at/during is the event whose posts to
#: score (hype_score's `source`); holidays and months are times, not events.
EVENT = re.compile(r"\b(?:at|during)\s+(?:the\s+)?([A-Z][A-Za-z0-9&]+(?:\s+\d{4})?|(?i:sxsw|ces|coachella|comic[- ]con|wwdc|mwc|gamescom|web summit)(?:\s+\d{4})?)(?![\w'’])")
NOT_EVENTS = {"christmas", "xmas", "easter", "halloween", "thanksgiving", "valentines", "valentine", "black", "cyber", "prime", "new", "launch", "night", "noon",
              "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the"}


def _event(s: Slots) -> tuple[str, Slots] | None:
    """The event named ("at SXSW") and the slots with its words consumed, so it is not the subject."""
    m = EVENT.search(s.text)
    if m is None or m.group(1).split()[0].lower() in NOT_EVENTS or any(a <= m.start(1) < b for a, b in s.spans):
        return None
    return m.group(1), replace(s, spans=[*s.spans, (m.start(), m.end())])


#: words of a hype follow-up that are never its subject ("compared to last month", "make a chart of it")
HYPE_STOP = {"better", "worse", "hotter", "bigger", "stronger", "weaker", "stack", "stacks", "up", "compare", "compares", "compared", "comparing", "against", "w", "chart", "charts", "graph", "plot", "visual", "visualise", "visualize",
             "draw", "make", "talking", "most", "least", "number", "numbers", "figure", "assumptions", "behind", "result", "score", "scores",
             "posts", "post", "tweets", "mentions", "comments", "complaints", "negative", "positive", "negatively", "positively", "examples", "some", "few",
             "worst", "best", "highest", "lowest", "top", "bottom", "leaderboard", "ranking", "rankings", "ranked", "rank", "hot", "hottest", "brands", "brand", "topics", "topic",
             "subjects", "things", "companies", "everything", "anything", "hyped", "buzzing",
             "real", "fading", "fade", "dying", "dead", "overblown", "overhyped", "legit", "peaking", "peaked", "cooling", "rising", "falling", "slowing", "fad",
             "feel", "feels", "feeling", "felt", "think", "thinks", "perceive", "perceived", "perception", "reputation", "mood", "attitude", "attitudes",
             "higher", "lower", "more", "less"}
#: a turn that points back at the last subject ("who's talking about them the most negatively?")
REFERS_BACK = re.compile(r"\b(that|them|they|their|it|its|this|those|these)\b", re.IGNORECASE)


def _names_a_subject_here(runs: list[str]) -> bool:
    """Whether a turn that points back still names a new subject: a capitalised name or several
    words, not one lower-case word ("negatively", "compared")."""
    return any(any(ch.isupper() for ch in r) or len(r.split()) > 1 for r in runs)


#: "what's trending?", "hype leaderboard": every stored subject ranked (hype_score without a subject)
TRENDING = re.compile(r"^\s*(?:and\s+|so\s+|ok\s+)?(?:anything\s+)?(?:trending|hot|buzzing)\b|\b(?:what|which|who)(?:'?s|\s+is|\s+are|\s+has\s+been)?\s+(?:\w+\s+){0,3}?(?:trending|hot|hottest|buzzing|popping off|blowing up|most hyped|hyped)\b"
                      r"|\b(?:hype|buzz|trending)\s+(?:leaderboard|ranking|rankings|league table|chart)\b|\bleaderboard\b|\btop\s+(?:\d+\s+)?(?:trending|hyped|buzzing)\b"
                      r"|\b(?:rank|ranking|list)\b.{0,30}\bby\s+(?:hype|buzz)\b|\b(?:anything|everything)\s+(?:trending|buzzing|hot)\b", re.IGNORECASE)


def asks_trending(s: Slots) -> bool:
    """A ranking of every subject is asked for: a trending question that names none of its own
    (an event it names, "what's trending at SXSW?", narrows the ranking)."""
    event = _event(s)
    rest = event[1] if event is not None else s
    return not (rest.quoted or residue_runs(rest, HYPE_STOP)) and bool(TRENDING.search(s.text))


def hype_score(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    """One subject, or several side by side ("who's hotter, Delta or United?" → subject + versus),
    the event whose posts to score when one is named ("Apple at SXSW"), or none ("what's trending?":
    every stored subject ranked)."""
    args = dict(prev)
    event = _event(s)
    if event is not None:
        args["source"], s = event
    runs = [s.quoted[0]] if s.quoted else residue_runs(s, HYPE_STOP)
    if asks_trending(s):
        args.pop("subject", None), args.pop("versus", None)
    elif len(runs) >= 2 and (COMPARATIVE.search(s.text) or re.search(r"\b(compare|comparing|side by side)\b", s.text, re.IGNORECASE)):
        args["subject"], args["versus"] = runs[0], runs[1:4]
    elif len(runs) == 1 and args.get("subject") and RIVAL.search(s.text):
        args["versus"] = [*args.get("versus", []), runs[0]][:3]  # "compared to labubu?" adds a rival
    elif s.position and ctx and ctx.listed and not runs:
        args["subject"] = ctx.listed[s.position - 1 if 0 < s.position <= len(ctx.listed) else -1].label  # "tell me more about the top one" after a ranking
        args.pop("versus", None)
    elif not (args.get("subject") and REFERS_BACK.search(s.text) and not _names_a_subject_here(runs)):
        _set_subject(args, "subject", _subject(s, HYPE_STOP), ctx)
        if runs:
            args.pop("versus", None)  # a new subject on its own ends the comparison
    if s.voices:
        args["posts"] = s.voices
    if s.window_days:
        args["window_days"] = s.window_days
    elif s.horizon and s.frequency in PERIOD_DAYS:
        args["window_days"] = s.horizon * PERIOD_DAYS[s.frequency]  # "hype on Delta, 30 days": a span said bare is the window
    if s.region:
        args["region"] = s.region
    if "region" in s.cancel:
        args.pop("region", None)
    return args


#: "what do those people love?" after a simulation: its buyers
THOSE_BUYERS = re.compile(r"\b(those|these|the|such|our|its)\s+(people|buyers|customers|shoppers|folks|adopters)\b|\b(they|them)\b|\bwho\s+buys\b", re.IGNORECASE)


def audience_affinity(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    args["audience"] = _audience(s, prev.get("audience"))
    if not args["audience"] and ctx is not None and ctx.buyers and THOSE_BUYERS.search(s.text):
        args["audience"] = dict(ctx.buyers)
    if s.domain:
        args["domain"] = s.domain
    stop = {"audience", "under", "over", "aged", "age", "ages", "people", "folks", "crowd", "demo", "demographic", "younger", "older", "do", "fare", "land", "perform", "eat", "drink", "listen",
            "watch", "wear", "buy", "enjoy", "into", "resonate", "resonates", "popular", "top", "best", "favourite", "favorite", "favourites", "favorites"} | GENERIC_DOMAIN_WORDS
    generic = s.domain_span is not None and s.text[s.domain_span[0]:s.domain_span[1]].lower().removesuffix("wise").rstrip("-") in GENERIC_DOMAIN_WORDS
    seeds = s.quoted[:5] if s.quoted else residue_runs(s, stop, keep_domain=not generic)[:5]
    if seeds:
        args["seeds"] = seeds
    if s.count:
        args["take"] = s.count
    return args


def _segment_audiences(s: Slots) -> list[dict]:
    """Audiences written one after another ("women 18-34 and women 35+", "men 55+ with women 55+",
    "europe, the us and apac"): each stretch between separators is read on its own."""
    found = []
    for part in re.split(r"\bvs\.?|\bversus\b|\band\b|\bwith\b|\bcompared (?:to|with)\b|\bagainst\b|,|;|\bor\b|\bfrom\b", s.text, flags=re.IGNORECASE):
        sub = extract(part.strip(" ?!.") or "-", s.today)
        audience = {k: v for k, v in {"region": sub.region, "age_min": sub.age_min, "age_max": sub.age_max, "gender": sub.gender}.items() if v is not None}
        if audience and audience not in found:
            found.append(audience)
    return found


GENERIC_DOMAIN_WORDS = {"music", "genres", "genre", "bands", "artists", "songs", "film", "films", "movie", "movies", "cinema", "food", "foods", "cuisine", "cuisines",
                        "dishes", "eating", "eat", "meals", "snacks", "drinks", "drink", "beverages", "hobbies", "hobby", "interests", "pastimes", "activities", "sports", "sport",
                        "brands", "brand", "labels", "fashion", "clothing", "apparel", "style", "spending", "shopping", "spend",
                        "listen", "listening", "shows", "series", "streaming", "watching", "for fun", "free time", "spare time"}


#: "which age groups love steak most?": every age band, compared
ACROSS_AGES = re.compile(r"\b(?:which|what)\s+(?:age\s*(?:groups?|bands?|brackets?|ranges?|segments?)|ages|generations?)\b|\b(?:by|across|per)\s+age(?:\s*(?:groups?|bands?))?\b", re.IGNORECASE)
#: "what's different between the two?", "how do they compare": the audiences the thread already asked about
EARLIER_AUDIENCES = re.compile(r"\b(the two|both|them|they|those|these|each other)\b", re.IGNORECASE)


AGE_KEYS = {"age_min", "age_max"}


def compare_audiences(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    """Audiences named in the turn, else (after affinity answers) the thread's last two; items named,
    else the ones the last affinity answer ranked."""
    args = dict(prev)
    audiences = [dict(a) for a in prev.get("audiences", [])]
    segments = _segment_audiences(s)
    found = segments if len(segments) >= 2 else s.audiences or ([_audience(s, None)] if (s.region or s.age_min or s.age_max or s.gender) else [])
    if len(found) < 2 and len(s.regions) >= 2 and len(segments) < 2:
        found = [{**_audience(s, None), "region": region} for region in s.regions]  # "drink more wine in the UK than Germans": one audience per place
    if len(found) < 2 and ACROSS_AGES.search(s.text):
        where = {k: v for k, v in {"region": s.region, "gender": s.gender}.items() if v}  # "which age groups in the US love steak?": every band there
        found = [{"age_min": lo, "age_max": min(hi, 99), **where} for lo, hi in AGE_BANDS]
    elif not prev and ctx and len(found) < 2 and len(ctx.audiences) >= 2 and EARLIER_AUDIENCES.search(s.text):
        found = [*ctx.audiences[-2:], *(a for a in found if a not in ctx.audiences[-2:])]
    elif not prev and ctx and len(found) == 1 and ctx.audiences and ctx.audiences[-1] not in found:
        # "compare that with gen z in japan": against the audience just shown; what the new one leaves
        # unsaid is held as it was ("how do men their age differ?" after UK women 46–61: UK men 46–61)
        last = ctx.audiences[-1]
        held = {k: v for k, v in last.items() if k not in found[0] and not (k in AGE_KEYS and AGE_KEYS & found[0].keys())}
        found = [last, *([{**held, **found[0]}] if {**held, **found[0]} != last else found)]
    if prev and found:
        audiences.extend(a for a in found if a not in audiences)  # "add millennials"
    elif found:
        audiences = found
    if len(audiences) == 1 and audiences[0]:
        # one audience is compared with everyone (in its region: "gen z in the UK" with the UK)
        only = audiences[0]
        audiences.append({"region": only["region"]} if "region" in only and len(only) > 1 else {})
    if audiences:
        args["audiences"] = audiences
    items = _items(s)
    if items and prev.get("items") and re.match(r"\s*(?:and|also|plus|add)\b", s.text, re.IGNORECASE):
        args["items"] = [*prev["items"], *(i for i in items if i not in prev["items"])][:12]  # "and country music too"
    elif items:
        args["items"] = items
    elif not args.get("items") and ctx and ctx.shown_items:
        args["items"] = ctx.shown_items[:8]
    return args


def _items(s: Slots) -> list[str]:
    text = s.text
    chars = list(text)
    for a, b in s.spans:
        for i in range(max(0, a), min(len(chars), b)):
            chars[i] = ","
    left = "".join(chars)
    left = re.sub(r"\b(compare|comparison|contrast|how do|how does|differ\w*|vs\.?|versus|between|on|for|across|about|when it comes to|in terms of|regarding|and|or|with|the|of|in|what|is|are|do|does|who|likes?|loves?|more|into|heatmap|pls|please|audiences?)\b", ",", left, flags=re.IGNORECASE)
    items = []
    for part in re.split(r"[,/&+|—–\n]", left):
        words = re.findall(r"[\w'’.-]+", part)
        while words and (words[0].lower().strip(".'’") in ITEM_FILLER):
            words.pop(0)
        while words and (words[-1].lower().strip(".'’") in ITEM_FILLER):
            words.pop()
        item = " ".join(words).strip(" -.'\"")
        if item and len(item) > 1 and not item.isdigit() and not _is_place(item) and item not in items:
            items.append(item)
    return items[:12]


def _is_place(text: str) -> bool:
    """A region name left among the items ("the midwest and texas on steak": texas is an audience)."""
    try:
        resolve_region(text)
        return True
    except UnknownRegion:
        return False


# Words around items that are not items: "how millennials feel about star wars" compares on "star wars" only.
ITEM_FILLER = FILLER | {"feel", "feels", "felt", "think", "thinks", "view", "views", "see", "sees", "rate", "rates", "opinion", "opinions", "attitudes",
                        "toward", "towards", "vibe", "split", "stack", "up", "react", "respond", "each", "other", "things", "stuff", "groups", "ages",
                        "two", "three", "both", "them", "they", "those", "these", "different", "put", "show", "lay", "place", "chart", "table",
                        "age", "groups", "group", "bands", "band", "generations", "generation", "most", "least", "which", "love", "loves",
                        "think", "enjoy", "much", "like", "drink", "drinks", "eat", "compared", "import", "imports"}


FORECAST_STOP = {"category", "season", "stock", "need", "go", "much", "many", "best", "top", "most", "bestsellers", "bestselling", "bestseller", "sellers", "seller"}


def listed_products(s: Slots) -> list[str]:
    """Product groups listed with "and" or commas ("candles and christmas decorations"), each a plural
    noun; [] when the turn names one thing ("black and white mugs" is one: see `_one_listed_name`)."""
    runs, joined = _joined_runs(s)
    return runs if joined and _all_plural(runs) else []


def _all_plural(runs: list[str]) -> bool:
    return all(r.split()[-1].lower().endswith("s") for r in runs)


def _joined_runs(s: Slots) -> tuple[list[str], str | None]:
    """The turn's name runs, and the text that joins them with "and", "&" or commas when they are written so."""
    runs = residue_runs(s, FORECAST_STOP)
    if len(runs) < 2:
        return runs, None
    m = re.search(r"\b" + r"\b\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\b".join(re.escape(r) for r in runs) + r"\b", s.text, re.IGNORECASE)
    return runs, m.group(0) if m else None


def _one_listed_name(s: Slots) -> str | None:
    """"black and white mugs": words joined by "and" that are not each a plural group name one product."""
    runs, joined = _joined_runs(s)
    return joined if joined and not _all_plural(runs) else None


def forecast_demand(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    targets = ("sku", "product", "category", "description")  # one forecast target: naming a new one drops the thread's old one

    def target(key: str, value: str) -> None:
        for other in targets:
            args.pop(other, None)
        args[key] = value

    if s.sku:
        target("sku", s.sku)
    else:
        subject = _one_listed_name(s) or _subject(s, FORECAST_STOP)
        if subject:
            described = re.search(r"\bnew product\b|\bdescription\b", s.text, re.IGNORECASE) or re.search(r"\b(?:forecast\w*|predict\w*|demand|new|launch\w*)\b[^:]*:", s.text, re.IGNORECASE)
            if described and len(s.text) > 60:  # "forecast a new product: a light waterproof trail shoe…", not "quick one: forecast candles"
                target("description", s.text)
            elif re.search(r"\bcategory\b", s.text, re.IGNORECASE):
                target("category", subject)
            else:
                target("product", subject)
        elif s.category:
            target("category", s.category)  # "forecast category candles"
        elif not (args.get("sku") or args.get("product") or args.get("category")) and ctx and ctx.subject():
            args["product"] = ctx.subject()
    if s.horizon is not None:
        args["horizon"] = s.horizon
    if s.frequency:
        args["frequency"] = s.frequency
    if s.region:
        args["country"] = s.region
    if s.hype_level is not None:
        args["hype"] = s.hype_level
    if s.starts and re.search(r"\b(launch\w*|releas\w*|drop(ping|s)?|go(es|ing)? on sale|new)\b", s.text, re.IGNORECASE):
        args["launch"] = s.starts[0].isoformat()  # "a new energy drink launching next spring": its forecast starts then
    return args


def simulate_launch(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    _set_subject(args, "product", _subject(s, {"start", "starting", "launch", "vs", "instead", "try", "at", "charge", "charging", "optimal", "ideal"}), ctx)
    previous = prev.get("scenarios") or []

    def kept(key: str) -> list[Any]:
        """The previous grid's values on one dimension: a follow-up changes only what it names."""
        values = list(dict.fromkeys(sc[key] for sc in previous if sc.get(key) is not None))
        return values or [None]

    if not previous and ctx and ctx.tool == "build_personas":  # "simulate it at $25" after personas: their price and market
        asked = ctx.args.get("price")
        previous = [{"price": asked, "region": (ctx.args.get("audience") or {}).get("region")}] if asked else [{"region": (ctx.args.get("audience") or {}).get("region")}]
    prices = s.prices or kept("price")
    if s.prices and previous and re.search(r"^\s*(?:and\s+)?(?:vs\.?|versus|or|against|compared (?:to|with))\b|\b(?:both|each|side by side)\b", s.text, re.IGNORECASE):
        prices = list(dict.fromkeys([*(p for p in kept("price") if p is not None), *s.prices]))  # "vs €45?", "simulate both": adds a price to compare
    regions = s.regions or ([None] if "region" in s.cancel else kept("region"))
    starts = [d.isoformat() for d in s.starts] or kept("start")
    channels = s.channels or kept("channel")
    scenarios = []
    combos = list(cartesian(prices, regions, starts, channels))
    if _paired(s):  # "$59 in the US vs $69 in Canada": two scenarios, not four
        combos = [(p, r, st, ch) for p, r in zip(s.prices, s.regions) for st in starts for ch in channels]
    for price, region, start, channel in combos:
        scenario = {k: v for k, v in {"price": price, "region": region, "start": start, "channel": channel}.items() if v is not None}
        scenario["label"] = " · ".join(_scenario_label(k, v, s.currency) for k, v in scenario.items()) or "base"
        scenarios.append(scenario)
    args["scenarios"] = scenarios[:48]
    if s.population:
        args["population"] = s.population
    if s.horizon and s.frequency == "W":
        args["weeks"] = s.horizon
    return args


def _paired(s: Slots) -> bool:
    """Prices and regions written in alternation (price, region, price, region…) belong together."""
    if len(s.prices) < 2 or len(s.prices) != len(s.regions) or len(s.price_at) != len(s.prices) or len(s.region_at) != len(s.regions):
        return False
    marks = sorted([(at, "p") for at in s.price_at] + [(at, "r") for at in s.region_at])
    kinds = [k for _, k in marks]
    return all(a != b for a, b in zip(kinds, kinds[1:]))


def _scenario_label(key: str, value: Any, currency: str | None = None) -> str:
    if key == "price":
        return f"{CURRENCY_SYMBOLS.get(currency or 'USD', '$')}{value:g}"
    if key == "start":
        return str(value)[:7]
    return str(value)


#: what a marketer aims at a persona ("which persona should the first ad target?"): never the product
CAMPAIGN_WORDS = {"ad", "ads", "advert", "adverts", "advertising", "campaign", "campaigns", "creative", "creatives", "messaging", "email", "emails",
                  "newsletter", "promo", "promotion", "push", "outreach", "spend", "budget", "media"}


def build_personas(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    _set_subject(args, "product", _subject(s, {"make", "it", "first", "target", "should", "which", "pick", "choose", "focus"} | CAMPAIGN_WORDS), ctx)
    carried = prev.get("audience") or (ctx.args.get("audience") if ctx else None)
    scenarios = ctx.args.get("scenarios") or [] if ctx and ctx.tool == "simulate_launch" and not prev else []
    regions = {sc.get("region") for sc in scenarios}
    prices = {sc.get("price") for sc in scenarios}
    if carried is None and len(regions) == 1 and None not in regions:
        carried = {"region": regions.pop()}  # "personas for it" after a simulation: the simulated market
    args["audience"] = _audience(s, carried)
    if s.count:
        args["count"] = min(s.count, 20)
    if s.prices:
        args["price"] = s.prices[0]
    elif len(prices) == 1 and None not in prices and "price" not in args:
        args["price"] = prices.pop()
        if ctx and ctx.args.get("currency"):
            args["currency"] = ctx.args["currency"]  # "who buys it?" after a £6 simulation: £6, not $6
    return args


def suggest_queries(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    if s.prefix:
        args["prefix"] = s.prefix
    if s.user_id:
        args["user_id"] = s.user_id
    if s.session_id:
        args["session_id"] = s.session_id
    if s.count:
        args["k"] = min(s.count, 50)
    if s.category:
        args["category"] = s.category
    return args


def search_products(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    """A query; or, after a search, a row it showed ("the second one, what is it?"): searched by its
    title alone, so the answer is that product with its price and id."""
    args = dict(prev)
    pointed = _listed_item(s, ctx.listed) if ctx and ctx.tool == "search_products" and s.position is not None else None
    if pointed is not None:
        return {"query": pointed[0].label, "k": 1}
    query = s.quoted[0] if s.quoted else residue(s, {"search", "find", "show", "browse", "got", "under", "cheaper", "sets"} - {"sets"})
    if query:
        args["query"] = query
    filters = dict(prev.get("filters") or {})
    if s.max_price is not None:
        filters["max_price"] = s.max_price
    if s.min_price is not None:
        filters["min_price"] = s.min_price
    if s.category:
        filters["category"] = s.category
    if filters:
        args["filters"] = filters
    if s.user_id:
        args["user_id"] = s.user_id
    if s.count:
        args["k"] = min(s.count, 100)
    if s.price_order:
        args["sort"] = s.price_order
    return args


# Verbs and places of an engagement: never part of the product a shopper acted on.
ENGAGEMENT_WORDS = {"added", "clicked", "bought", "viewed", "tapped", "wishlisted", "purchased", "saved", "opened", "cart", "basket"}


def _listed_item(s: Slots, listed: list[Listed]) -> tuple[Listed, int] | None:
    """The row a turn points at: by position ("the first one") or by name ("the dino puzzle")."""
    if not listed:
        return None
    position = s.position if s.position is not None else s.rank  # "the 2nd one", "#2"
    if position is not None and -len(listed) <= position <= len(listed) and position != 0:
        index = position - 1 if position > 0 else len(listed) + position
        return listed[index], index + 1
    name = (s.quoted[0] if s.quoted else residue(s, ENGAGEMENT_WORDS)).lower()
    words = set(re.findall(r"\w+", name))
    if not words:
        return None
    best = max(range(len(listed)), key=lambda i: len(words & set(re.findall(r"\w+", listed[i].label.lower()))) / len(words))
    overlap = len(words & set(re.findall(r"\w+", listed[best].label.lower()))) / len(words)
    return (listed[best], best + 1) if overlap >= 0.6 else None


def record_engagement(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args: dict[str, Any] = {}
    user = s.user_id or prev.get("user_id") or (ctx.args.get("user_id") if ctx else None)
    if user:
        args["user_id"] = user
    if s.action or prev.get("action"):
        args["action"] = s.action or prev["action"]
    item = s.item_id or s.sku
    picked = None if item else _listed_item(s, ctx.listed if ctx else [])
    if picked:
        item = picked[0].item_id
        args["rank"] = picked[1]
    elif not item and s.quoted:
        item = s.quoted[0]
    elif not item:
        item = residue(s, ENGAGEMENT_WORDS | {"log", "record", "track"}) or None
    if item:
        args["item_id"] = item
    if s.rank and "rank" not in args:
        args["rank"] = s.rank
    if s.session_id:
        args["session_id"] = s.session_id
    if ctx and ctx.tool in ("suggest_queries", "search_products"):
        args["query"] = ctx.args.get("prefix") or ctx.args.get("query")
    typed = re.search(r"\b(?:after|typing|typed|searching(?: for)?|prefix)\s+['\"‘“]([^'\"’”]{1,100})['\"’”]", s.text, re.IGNORECASE)
    if typed:
        args["query"] = typed.group(1)
        if args.get("item_id") == typed.group(1) and len(s.quoted) > 1:
            args["item_id"] = s.quoted[0]
    return args


def watch_hype(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    changing = bool(re.search(r"\b(change|move|update|raise|lower|bump|adjust|edit)\b.{0,40}\b(alert|watch|threshold|it)\b"
                              r"|\bset\s+(the|that|this|my|our|its|it)\b.{0,20}\b(alert|watch|threshold|to)\b", s.text, re.IGNORECASE))  # "set an alert" creates one
    earlier = prev and prev.get("action") != "remove" and ctx and ctx.tool == "watch_hype" and ctx.ok and ctx.args.get("threshold") is not None
    args["action"] = "remove" if s.remove else ("update" if earlier or changing else "create")
    _set_subject(args, "subject", _subject(s, {"it", "goes", "gets", "if", "when", "once", "above", "below", "know", "eye", "keep", "stop", "remove", "delete", "cancel", "unwatch", "channel", "slack", "discord",
                                                      "change", "move", "update", "raise", "lower", "bump", "adjust", "edit", "one", "post", "send", "drop", "kill", "off",
                                                      "stays", "stay", "remains", "remain"}), ctx)
    if s.threshold is not None:
        args["threshold"] = s.threshold
    elif args["action"] == "update" and (to := re.search(r"\b(?:to|at)\s+(\d{1,3})\b(?!\s*(?:%|days?|weeks?))", s.text, re.IGNORECASE)) and int(to.group(1)) <= 100:
        args["threshold"] = float(to.group(1))  # "change it to 40" after a watch: its new threshold
    if s.direction:
        args["direction"] = s.direction
    if s.post_channel:
        args["channel"] = s.post_channel
    if s.days_in_row:
        args["days_in_row"] = s.days_in_row
    if s.window_days:
        args["window_days"] = s.window_days
    return args


def list_watches(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    """Only a subject named after "for/on/about/of" filters the list ("any alerts for united?")."""
    named = (re.search(r"\b(?:for|on|about|of|re)\s+(.+)", s.text, re.IGNORECASE) or re.search(r"\bthe\s+(.+?)\s+(?:alerts?|watch(?:es)?)\b", s.text, re.IGNORECASE)
             or re.search(r"\b(?:just|only)\s+(?:the\s+)?(.+?)\s+ones?\b", s.text, re.IGNORECASE))
    if not named:
        return {}
    subject = residue(extract(named.group(1), s.today), {"active", "current", "running", "any", "fired", "fire", "firing", "have", "got", "monitors", "watches", "alerts"})
    return {"subject": subject} if subject else {}


def analyze_launch(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args = dict(prev)
    _set_subject(args, "product", _subject(s, {"hit", "flop", "work", "succeed", "sell", "well", "land", "position", "launch", "launching", "should", "plan", "we're", "were", "going", "gonna",
                                               "first", "target", "wait", "until", "till"}), ctx)
    if s.prices:
        args["price"] = s.prices[0]
    carried = prev.get("audience") or (ctx.args.get("audience") if ctx and re.search(r"\b(them|they|those|that audience|this audience|that crowd|these)\b", s.text, re.IGNORECASE) else None)
    args["audience"] = _audience(s, carried)  # "how will our lego set do with them?" keeps the audience just discussed
    if s.regions:
        args["regions"] = s.regions
    elif "region" in s.cancel:
        args.pop("regions", None)
    if s.starts:
        args["starts"] = [d.isoformat() for d in s.starts][:4]  # "in March or wait until May?": the timings to compare
    if s.horizon:
        args["horizon"] = min(s.horizon, 104)
    return args


def export_report(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    args: dict[str, Any] = {"format": s.export_format or prev.get("format") or "pdf"}
    if s.result_id:
        args["result_id"] = s.result_id
    return args


DATA_KINDS = {"sales": "sales", "orders": "sales", "catalog": "catalog", "catalogue": "catalog", "products": "catalog", "customers": "customers",
              "customer": "customers", "survey": "survey", "campaigns": "campaigns", "campaign": "campaigns"}


def manage_data(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    """"forget our Q3 survey" → forget 'Q3 survey'; "import sales from /data/orders.csv as shopify"
    → import; anything else ("what data have we imported?") lists."""
    text = s.text.strip().rstrip("?.!")
    forget = re.search(r"\b(?:forget|delete|remove|drop|erase|wipe|purge)\b\s+(?:(?:all\s+)?(?:of\s+)?(?:our|my|the|that)\s+)?(.+)", text, re.IGNORECASE)
    if forget:
        name = re.sub(r"\s+(?:(?:that|which)\s+)?(?:we|i|you)\s+(?:imported|uploaded|loaded|added|brought in)\b.*$", "", forget.group(1).strip(), flags=re.IGNORECASE)
        name = re.sub(r"(?:\s+(?:import(?:ed)?|data(?:set)?|file|upload(?:ed)?|please|now))+$", "", name, flags=re.IGNORECASE)
        return {"action": "forget", "name": name}
    source = re.search(r"(\S+\.(?:csv|jsonl|ndjson|json|parquet|pq)\b|[a-z][a-z0-9+]*://\S+|/\S+)", text, re.IGNORECASE)
    if re.search(r"\b(import|load|upload|ingest|bring in)\b", text, re.IGNORECASE) and source:
        kind = next((DATA_KINDS[w.lower()] for w in re.findall(r"[a-z]+", text, re.IGNORECASE) if w.lower() in DATA_KINDS), None)
        args: dict[str, Any] = {"action": "import", "source": source.group(1), "kind": kind}
        fmt = re.search(r"\b(shopify|woocommerce|woo|parquet|jsonl|sql)\b", text, re.IGNORECASE)
        if fmt:
            args["format"] = {"woo": "woocommerce"}.get(fmt.group(1).lower(), fmt.group(1).lower())
        return args
    return {"action": "list"}


def schedule_report(s: Slots, prev: dict, ctx: PreviousCall | None) -> dict:
    from agent.planner.schedules import schedule_arguments  # it reuses the builders below for the report it schedules

    last = (ctx.tool, ctx.args) if ctx and ctx.tool != "schedule_report" and ctx.ok else None
    return schedule_arguments(s, prev, ctx.ok if ctx else True, BUILDERS, last)


BUILDERS = {f.__name__: f for f in (hype_score, audience_affinity, compare_audiences, forecast_demand, simulate_launch, build_personas, suggest_queries, search_products, record_engagement, watch_hype, list_watches, analyze_launch, export_report, manage_data,
                                    schedule_report)}
BUILDERS |= EXPERIMENT_BUILDERS  # start_experiment, experiment_results, stop_experiment, shopper_analytics (agent/planner/experiment_args.py)

# What each tool cannot run without, and how to ask for it.
REQUIRED: dict[str, list[tuple[str, str]]] = {
    "hype_score": [("subject", "Which product, brand or topic should I score the hype of?")],
    "compare_audiences": [("items", "Which tags or things should I compare the audiences on (e.g. 'vinyl, sneakers, coffee')?"), ("audiences", "Which audiences should I compare (e.g. 'gen z vs boomers' or 'US vs UK')?")],
    "forecast_demand": [("sku|product|category|description", "Which SKU, product or category should I forecast?")],
    "simulate_launch": [("product", "Which product should I simulate the launch of?")],
    "build_personas": [("product", "Which product are the personas for?")],
    "suggest_queries": [("prefix", "What has the user typed so far (the prefix to complete)?")],
    "search_products": [("query", "What should I search the catalog for?")],
    "record_engagement": [("user_id", "Which user was it (e.g. u42)?"), ("action", "What did they do: view, click, add_to_cart, wishlist or purchase?"), ("item_id", "Which item (product id or suggestion text)?")],
    "watch_hype": [("subject", "Which product or brand should I watch?"), ("threshold", "At what hype score (0–100) should the alert fire?")],
    "analyze_launch": [("product", "Which product are you launching?")],
    "schedule_report": [("tool", "Which report should go out on that schedule (e.g. the hype digest for Delta, the forecast for SKU 85123A)?"),
                        ("arguments", "What should it cover (e.g. Delta and United, or SKU 85123A)?"),
                        ("when", "When should it go out (e.g. every Monday 9am, on the 1st of each month)?"),
                        ("destinations", "Where should it go: a Slack channel (#brand), an e-mail address, a Google Sheet or a webhook?")],
}


def missing_arguments(tool: str, args: dict[str, Any]) -> list[tuple[str, str]]:
    missing = []
    for keys, question in REQUIRED.get(tool, []):
        if tool == "watch_hype" and args.get("action") == "remove" and keys == "threshold":
            continue
        if tool == "schedule_report" and args.get("action") != "create":
            continue
        if not any(args.get(k) for k in keys.split("|")):
            missing.append((keys, question))
    return missing


PRICED_TOOLS = {"simulate_launch", "build_personas", "analyze_launch"}


def build_arguments(tool: str, slots: Slots, previous: PreviousCall | None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    same_tool = previous is not None and previous.tool == tool
    prev_args = dict(previous.args) if same_tool and previous else {}
    args = BUILDERS[tool](slots, prev_args, previous)
    if tool in PRICED_TOOLS and slots.currency and slots.prices:
        args["currency"] = slots.currency  # "£15 instead of £12": the prices, the revenue and the anchor in pounds
    args = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    if tool == "hype_score" and "subject" not in args and asks_trending(slots):
        return args, []  # the ranking needs no subject
    return args, missing_arguments(tool, args)
