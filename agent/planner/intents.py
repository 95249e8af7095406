"""Intent: which tool a message asks for.

Two signals, added: a linear classifier over word and character n-grams (character n-grams make
"forcast" and "simmulate" land next to their correct spellings) plus sentence embeddings when a
sentence-transformers model is available, trained on the planner's own exemplars; and rules for
cues that are unambiguous whatever else the sentence says ("as a pdf", "what am I watching",
"u42 clicked …"). Rules add evidence rather than decide, so a sentence with two cues still goes
to the stronger one.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

EXEMPLARS = Path(__file__).with_name("exemplars.jsonl")
NON_TOOL_INTENTS = ("help", "greeting", "followup", "decline", "sources")
REASK = "reask"  # "which one wins and why?": the last answer again, its arguments unchanged (a rule, no exemplars)

#: "what do millennials in texas think of steak?": one audience's view of named things, set against everyone's
#: (people in general, "they" or the internet feeling something about a brand is a hype question)
_NOT_AN_AUDIENCE = (r"(?!(?:you|i|we|they|people|folks|everyone|everybody|customers|users|fans|consumers|shoppers|buyers|twitter|reddit|the internet|the public)\b"
                    r"(?!\s+(?:in|from|aged|over|under|between)\b))(?!(?:do|does|did|is|are|was|were|will|would|can|could|should|to)\b)")
OPINION = (rf"\b(?:what|how)\s+(?:do|does|did)\s+{_NOT_AN_AUDIENCE}[\w' -]{{2,60}}?\s+(?:think|feel)\s+(?:of|about)\s+\w"
           rf"|\bhow\s+much\s+(?:do|does)\s+{_NOT_AN_AUDIENCE}[\w' -]{{2,60}}?\s+(?:like|love|enjoy)\s+\w"
           rf"|\bhow\s+{_NOT_AN_AUDIENCE}[\w' -]{{2,60}}?\s+(?:feels|feel|think|thinks)\s+(?:of|about)\s+\w")

#: asking how the last answer was worked out: a re-ask (below), written as its method (`decide.METHOD_QUESTION`)
METHOD = (r"\b(assumptions?|methodology|method)\b.{0,25}\b(behind|for|of|in)\b.{0,10}\b(that|this|it|the)\b|\bhow did you (get|calculate|compute|work out|arrive at|come up with|figure)\b"
          r"|\bwhere (does|did) (that|this|the) (number|figure|estimate|forecast|score|result) come from\b|\bwhat('?s| is| was) (that|this|it) based on\b"
          r"|\bhow (sure|confident|certain|reliable|accurate|trustworthy|solid)\b.{0,15}\b(are you|is (that|this|it|the \w+)|should (i|we) be|can (i|we) be)\b")
#: the model behind an answer and how good it is ("which model scored those posts?", "how accurate is
#: your sentiment?"): a method question that outweighs the hype cue its "sentiment" carries
MODEL_QUALITY = (r"\b(which|what)\s+(sentiment\s+|forecast(ing)?\s+)?(model|models|classifier|algorithm)\b.{0,30}\b(scored|scores|did you use|do you use|was used|is used|used|behind|rated|labell?ed)\b"
                 r"|\bhow (accurate|good|reliable|trustworthy)\s+(is|are)\s+(that|this|the|your|these|those)\s+(\w+\s+)?(model|models|classifier|sentiment|sentiment analysis|forecasts?|scores?)\b"
                 r"|\b(is|are)\s+(the|your|these|those|this|that)\s+(\w+\s+)?(model|sentiment|sentiment numbers|sentiment scores|classifier|forecasts?)\s+(any good|reliable|accurate|trustworthy|good)\b"
                 r"|\bwhat'?s\s+(the|its|your)\s+accuracy\b")
METHOD += "|" + MODEL_QUALITY

# (pattern, intent, weight): evidence added to the classifier's probability.
RULES: list[tuple[str, str, float]] = [
    (r"\b(export|download|pdf|csv|json|spreadsheet|excel)\b|\bsend (me )?(the|that) (report|deck|file)", "export_report", 0.9),
    (r"\bwhat (am i|are we|r we) (watching|tracking|monitoring)|\b(list|show|see|any|my|our|active|current|running)\b.{0,20}\b(watch(es|list)?|alerts?)\b(?!.{0,30}\b(if|when|above|below|over|under)\b)|\b(did|has) (it|that|the alert|anything) (fire|fired|trigger|go off)", "list_watches", 0.8),
    (r"\b(change|move|update|raise|lower|bump|adjust|edit|delete|remove|cancel|drop|kill)\b.{0,30}\b(alert|watch|one on|one)\b|\b(alert|alarm|notify|ping|warn|dm|message) (me|us|the team|(the )?#)|\bwhenever\b.{0,60}\b(drops?|falls?|dips?|goes|rises?|climbs?|crosses|hits|above|below|over|under)\b|\btell (me|us|the team|#\S+) (when|if|once|as soon)\b|\b(let (me|us) know|keep an eye|watch|monitor|track)\b.{0,60}\b(if|when|once|above|below|over|under|crosses|hits|goes|threshold)\b|\b(unwatch|stop watching|remove (the )?watch|delete (the )?watch|cancel (the )?(alert|watch))", "watch_hype", 0.8),
    (r"\b(clicked|tapped|picked|chose|selected|bought|wishlist(ed)?|viewed|saved|purchased)\b.{0,25}(#\d|\bsuggestion\b|\b(first|second|third|fourth|fifth|last|top|1st|2nd|3rd|\d+th)\b)|\b(clicked|bought|purchased|viewed|wishlisted|tapped|added\b.{0,30}\bto (the )?(cart|basket|wishlist)|carted|favou?rited)\b.{0,60}\b(item|product|sku|rank|position|#|\d|(first|second|third|fourth|fifth|last|top|1st|2nd|3rd|\d+th) (one|result|suggestion|item|product|hit|match))|\b(log|record|track) (a |an |the )?(click|view|purchase|add[- ]to[- ]cart|wishlist|engagement|event)", "record_engagement", 0.9),
    (r"\b(auto-?complete|auto-?suggest|type-?ahead|search (box|bar)|completions?\b|suggest(ions)? (for|after) ['\"‘“]|what (should|would|does|do) .{0,30}\b(suggest|complete|show))|\b(prefix|typed|types|typing)\b|\b(search|searches|searched|type|enter)\s+(next\s+)?after\s+['\"‘“]|\b(start(s|ing)?|begin(s|ning)?)\s+with\s+['\"‘“]", "suggest_queries", 1.0),
    (r"\b(find|search( for)?|look(ing)? (up|for)|show( me)?|browse|any|got any|list)\b.{0,40}\b((under|below|over)(?!-?\s?\d{2}s?\b(?!\s*(dollars|bucks|usd|eur|gbp|pounds|euros)))|less than|cheaper|between|products?|items?|toys?|sets?|shoes?|bags?|lamps?|gifts?|category)\b|^\s*search\b|\bq\s*=\s*['\"]", "search_products", 0.45),
    (r"\b(top|popular|most common|common|frequent|what)\s+(searches|queries|search terms)\s+(for|about|containing|around|on|with)\s+\w", "suggest_queries", 1.2),
    (r"\b(persona|personas|personae|personaes|archetypes?|buyer profiles?|customer profiles?|icp)\b", "build_personas", 0.7),
    (r"\b(simulat\w*|simmulat\w*|sim|what[- ]if|scenarios?)\b|\b(launch|price) .{0,30}\bvs\.? ", "simulate_launch", 0.6),
    # "what would a $60 smartwatch band do in canada vs mexico?": a priced product in markets set side by side
    (r"[$£€]\s?\d[\d,.]*k?\b.{0,60}\b(do|sell|perform|fare|go|land)\b.{0,15}\b(in|across)\b.{0,40}\b(vs\.?|versus|or|compared (to|with))\b", "simulate_launch", 0.9),
    (r"\b(top|best)[- ]?sell(ers?|ing)\b|\bsells?\s+(the\s+)?best\b|\b(forecast\w*|forcast\w*|fcst|fcast|predict\w*|project(ed|ion)s?|outlook)\b|\bhow (many|much) .{0,40}\b(sell|units|stock|order|need)\b|\bdemand\b", "forecast_demand", 0.55),
    (r"\b(hype\w*|hyep|buzz\w*|chatter|trending|momentum|mentions|talking about|noise|vibe|sentiment)\b", "hype_score", 0.5),
    (r"\b(compare|comparison|contrast|differ\w*|vs\.?|versus)\b", "compare_audiences", 0.35),
    (r"\b(which|what)\s+(age\s*(groups?|bands?|brackets?|ranges?|segments?)|ages|generations?)\b.{0,60}\b(love|like|prefer|into|care|buy|eat|drink|watch|listen|most|least)\b|\bby age(\s*(group|band)s?)?\b.{0,40}\b(love|like|prefer|most)\b", "compare_audiences", 1.3),
    (r"\b(like|love|into|prefer|tastes?|affinity|resonate|care about|fans? of)\b", "audience_affinity", 0.3),
    (OPINION, "compare_audiences", 1.0),
    (r"\b(how|hw|hows|how's)\s+(good\s+|well\s+)?((it|they|this|that|these|those|we|our\s+\w+(\s+\w+)?)\s+)?(will|would|might|could|is|are|does|do|'?ll|it'?ll)\b(?!\s+(i|you|we)\s+(use|get|start))(?!.{0,40}\b(differ|compare|split)\b).{0,60}\b(do|fare|perform|land|go(ing)? (down|over)|be received|sell|play|work|resonate)\b.{0,40}\b(with|w/|among|amongst|for|in|to)\b|\b(would|will|could)\b.{1,60}\b(land|go down|sell|work|do) well\b|\bposition(ing)?\b.{0,60}\b(with|among|for|to)\b|\b(will|gonna|going to)\b.{0,30}\b(be (a )?(success|hit)|flop|succeed)\b|\bshould we (even |really )?(launch|go ahead|go for it)\b|\b(give me|show me|want) (everything|the works|the full picture|all of it)\b", "analyze_launch", 0.9),
    (r"\b(hotter|more hyped|more hype|more buzz|buzzier|trending more|trending harder|more talked about|talking about more)\b|\bwho'?s? (is )?(hotter|winning|trending)\b|\b(people|ppl|folks|customers|everyone|they|twitter|reddit)\s+(are\s+|r\s+)?(saying|posting|tweeting)\b|\bwhat.{0,20}\bsaying\b|\b(show|see|give|read|pull|list|any)\b.{0,25}\b(posts|tweets|mentions|complaints|comments)\b", "hype_score", 0.6),
    (r"\b(write|draft|compose|rewrite|come up with|generate)\b.{0,40}\b(tweets?|posts? for|caption|ad copy|copy for|emails?|e-mail|press release|slogans?|taglines?|ads?|headlines?|blog|newsletter|script|poem|bio|jingle|logo|landing page|linkedin post|instagram post)\b|\b(weather|temperature|rain|snow)\b.{0,30}\b(in|today|tomorrow|this weekend|right now)\b|\bmarket share\b|\bmarket size\b|\bhow big is the\b.{0,30}\bmarket\b|\b(stock|share) price\b|\bshares?\b.{0,20}\b(trading|worth|buy)\b|\btrading at\b|\btranslat\w+\b|\bhow do you say\b|\b(joke|poem|song|recipe|horoscope|movie for)\b|\b(write|fix|debug)\b.{0,30}\b(code|python|javascript|html|sql|formula)\b|\bwho won\b|\bcapital of\b|\b(bitcoin|crypto)\b|\b(file|do) my taxes\b|\bbook a meeting\b|\b(instagram|facebook|tiktok|linkedin|google)\s+(captions?|ads?|posts?)\b|\b(captions?|hashtags?|slogans?|taglines?)\s+for\b|\bturn (it|them|this|that) into\b|\brevenue (did|does|do)\b|\b(how many )?employees\b|\b(ceo|headquarters|founded)\b|\bwhat time is it\b|\btime zone\b|\b(code|program|build|make|design)\b.{0,20}\b(landing page|website|web site|app|plugin)\b|\bbook\b.{0,15}\b(flight|hotel|table|ticket|meeting|room|car)\b|\bconvert\s+\d|\bexchange rate\b|\b(trademark|patent|copyright|lawsuit|legal advice|contract)\b|\b(schedule|set up|arrange)\s+(a\s+)?(meeting|call|zoom)\b|\bbest\s+(crm|software|tool|tools|app|apps|platform|laptop for work|agency)\b|\b(hire|recruit|salary|payroll)\b", "decline", 1.2),
    (r"\b(launch(ing)? plan|go[- ]to[- ]market|gtm|readout|full (analysis|picture|report|breakdown)|be a hit|flop|will .{0,40} (work|succeed|sell well|do well|land)|should we launch|how should we (market|launch|position))\b|\b(would|will|could|can)\b.{1,60}\b(sell|appeal|resonate|land|go down)\s+(to|with|among|amongst)\b|\b(is|was|would be) (that|this|it) (a )?(good|bad|smart|wise|sensible) (idea|move|bet|call|plan)\b|\bgood idea to launch\b|\b(which|what|who)\b.{0,15}\b(audiences?|segments?|demographics?|customers?|people|buyers)?\b.{0,10}\b(should|shall|do|to|could|would)\s+(we|i|our \w+)\s+(target|aim (at|for)|go after|focus on|market (it|them|this) to|sell (it|them|this) to)\b", "analyze_launch", 0.7),
    (r"\b(forget|delete|remove|drop|erase|wipe|purge)\b.{0,25}\b(our|my|the|that|imported)\b.{0,40}\b(data|dataset|survey|catalog(ue)?|sales|customers?|campaigns?|imports?|upload|orders)\b|\b(import|load|upload|ingest|bring in)\b.{0,30}\b(sales|orders|catalog(ue)?|products|customers?|survey|campaigns?)\b.{0,30}(\.(csv|jsonl|parquet)\b|/|://)|\b(what|which) (data|datasets|files|imports)\b.{0,12}\b(have|did|do) (we|i)\b|\b(list|show|see)\b.{0,12}\b(our|my|imported)\b.{0,12}\b(data|datasets|imports|uploads)\b", "manage_data", 1.5),
    (r"^\s*(so\s+|ok\s+|and\s+)?(which|what)(\s+one|\s+scenario|\s+option|\s+price|\s+month|\s+channel)?\s+(wins|won|is (the )?(best|winner)|is better|comes? out (on top|ahead)|did best)\b|^\s*(and\s+|but\s+)?why\b.{0,30}$|^\s*(explain|tell me more about) (that|this|it|the result)\b"
     "|" + METHOD + r"|\bwhat'?s?( is)? (driving|behind|causing|explains?) (the|that|this|it)\b|\bwhich (persona|one|segment|scenario|option)\b.{0,30}\b(target|pick|choose|go (for|with)|priorit\w+|focus on|lead with)\b"
     r"|\bwhich (one|of (those|them|these|the \w+))\b.{0,40}\b(worst|best|most|least|highest|lowest|biggest|smallest|top|bottom|more|faster|grows?|growing)\b"
     r"|^\s*(and\s+|so\s+|ok\s+)?((what|how)('?s| is| would be| about| does)\s+|give me\s+|show me\s+)?(the\s+)?(worst|best|bad|good)[- ]case\b.{0,30}$"
     r"|^\s*(and\s+|so\s+|ok\s+)?(what about\s+|how about\s+)?(the\s+)?(worst|best|weakest|strongest)(\s+(one|ones|scenario|option))?\s*\??\s*$"
     r"|^\s*(and\s+|so\s+|ok\s+)?(what('?s| is| would be| about)\s+)?(the\s+)?(downside|upside|lower bound|upper bound|low end|high end|range)\b.{0,25}$"
     r"|^\s*(and\s+|so\s+|ok\s+)?(is|are)\s+(it|that|this|they|those|sales|demand)\s+(\w+\s+)?(growing|shrinking|declining|rising|falling|going (up|down)|up or down|trending (up|down))\b.{0,30}$"
     r"|^\s*(and\s+|so\s+|ok\s+)?(what|which)\s+(price|price point)\s+(should|do|would|shall)\s+(we|i)\s+(charge|set|go with|pick|use|launch at)\b.{0,20}$|^\s*(and\s+|so\s+|ok\s+)?how much should (we|i) (charge|sell it for|price it at)\b.{0,20}$"
     r"|^\s*(and\s+|so\s+|ok\s+)?(who|which (audience|segment|persona|group|age group|market|one))\s+(should|do|shall|would)\s+(we|i|you)\s+(target|go after|aim (at|for)|focus on|start with|prioriti[sz]e)(\s+first)?\s*\??$"
     r"|^\s*(and\s+|ok\s+|so\s+)?(how does |compare |vs\.? |versus )?(that|this|it)?\s*(compare )?(with |to |against |vs\.? )?(the same (period|weeks?|months?|time) )?(a year (ago|earlier|before)|last year)\s*\??$|\b(year[- ]over[- ]year|yoy)\b", "reask", 1.2),
    (MODEL_QUALITY, "reask", 1.8),
    (r"^\s*(what can you do|help|what do you do|how do (i|you) use|commands|capabilities|what are your (tools|skills))\b", "help", 1.0),
    (r"\bwhere (do|does|did) (you|your|the|these|those|this|that|caeser'?s?)\b.{0,25}\b(data|numbers|figures|stats|info\w*)\b.{0,15}\bcome from\b|\bwhere (do|does|did) (you|caeser) get\b.{0,25}\b(data|numbers|figures|stats|info\w*)\b"
     r"|\b(are|is) (these|those|the|your|this|that|all) (numbers|figures|data|stats|results)\b.{0,15}\b(real|made up|invented|fake|legit|accurate|reliable|trustworthy)\b|\bwhat (data|datasets|sources)\b.{0,20}\b(do|does|did) (you|it|caeser)\b.{0,12}\b(use|using|run on|based on|draw on|have)\b|\bwhat are your (data )?sources\b", "sources", 1.3),
    (r"^\s*(hi|hey|hello|yo|thanks|thank you|thx|cheers|cool|great|nice|ok|okay|bye|good morning|gm)\b[\s!.🙏👍]*$", "greeting", 1.0),
    (r"^(?=.*\b(post|send|e-?mail|mail|share|drop|put|push|deliver|digest|schedul\w*)\b)(?=.*(\b(every|each)\s+(single\s+)?(day|morning|weekday|week|month|hour|(mon|tues|wednes|thurs|fri|satur|sun)days?)\b|\b(daily|weekly|monthly|hourly)\b|\bon the \w+ (day )?of (each|every|the) month\b))"
     r"|\bwhat'?s\s+(been\s+)?scheduled\b|\bwhat (is|are|have i|have we) (got )?scheduled\b|\bhave\s+scheduled\b|\bscheduled (reports?|digests?|e-?mails?|posts?)\b|\b(list|show|my|our|any)\s+(\w+\s+)?(schedules|digests|scheduled)\b"
     r"|\b(pause|resume|unpause|stop|cancel|remove|delete|kill|turn off|restart)\b.{0,30}\b(digest|schedule|(forecast|hype|weekly|monthly|daily|monday|friday) (e-?mail|report|post))\b", "schedule_report", 1.0),
    # experiments issue: A/B tests of suggestions and search ranking, and shopper analytics
    (r"\b(start|launch|run|set up|setup|kick off|begin|create|spin up|do)\b.{0,40}\b(a/?b|ab|split|multivariate|bucket)[- ]?(test|experiment)?\b|\b(start|launch|set up|setup|kick off|begin|create|spin up)\b.{0,40}\b(test|experiment)\b.{0,60}\b(personali[sz]ed|plain|variant|traffic|ranking|suggestions?)\b|\b(test|experiment)\b.{0,40}\b(personali[sz]ed|plain)\b.{0,15}\b(vs\.?|versus|against)\b", "start_experiment", 1.0),
    (r"\bhow('?s| is| are| did)\b.{0,40}\b(test|experiment|a/?b|variants?)\b|\b(results?|winner|winning|significan\w*|readout|status|p-?value|lift|update)\b.{0,30}\b(test|experiment|a/?b)\b|\b(test|experiment|a/?b)\b.{0,30}\b(results?|winning|winner|significan\w*|doing|going|status|so far)\b|\b(did|has|is)\b.{0,30}\b(personali[sz]ed|plain|variant)\b.{0,30}\b(win|won|winning|beat|better|ahead)\b|\bexp-[0-9a-f]{8}\b", "experiment_results", 0.95),
    (r"\b(stop|end|kill|halt|cancel|finish|wrap up|turn off|shut down|conclude|close)\b.{0,30}\b(test|experiment|a/?b)\b", "stop_experiment", 1.2),
    (r"\bfunnel\b|\bshopper (behaviou?r|analytics|activity|sessions?)\b|\b(zero|no|0)[- ]results?\b|\b(top|popular|most common)\b.{0,15}\b(search(es)?|queries)\b|\bwhat (are |did )?(people|shoppers|customers|users) (search|look)\w*\b|\b(clicked|click) positions?\b|\bsuggestion usage\b|\bhow many sessions\b|\b(sessions|view.{0,5}click.{0,5}cart)\b.{0,40}\b(last|this|past|yesterday|week|month)\b", "shopper_analytics", 0.9),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), intent, w) for p, intent, w in RULES]


@dataclass(frozen=True)
class IntentScores:
    ranked: list[tuple[str, float]]
    cued: frozenset[str] = frozenset()  # intents a rule recognised in the words (not just the classifier's guess)

    @property
    def best(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    def score(self, intent: str) -> float:
        return dict(self.ranked).get(intent, 0.0)


def load_exemplars(path: Path = EXEMPLARS) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["intent"])
    return texts, labels


def normalise(text: str) -> str:
    text = text.lower()
    text = re.sub(r"\b[a-z]{2,14}-[0-9a-f]{12}\b", " resultid ", text)
    text = re.sub(r"\b\d{5}[a-z]{0,2}\b", " skucode ", text)
    text = re.sub(r"[$£€]\s?\d[\d,.]*k?", " pricetag ", text)
    text = re.sub(r"\d+", " 0 ", text)
    return re.sub(r"\s+", " ", text).strip()


WORDS = {"ngram_range": (1, 2), "sublinear_tf": True}
CHARS = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True}
Embed = Callable[[list[str]], np.ndarray]
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    return tokens + [" ".join(pair) for pair in zip(tokens, tokens[1:])]


def char_wb_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, exactly as scikit-learn's char_wb."""
    grams: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        word = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[offset:offset + n])
            while offset + n < len(word):
                offset += 1
                grams.append(word[offset:offset + n])
            if offset == 0:  # a short word counts once
                break
    return grams


class NgramTfidf:
    """The transform half of a fitted TfidfVectorizer (sublinear tf × idf, L2-normalised) as a dict
    lookup. WHY: importing scikit-learn costs about a second in every new process, and a turn only
    needs the fitted vocabulary; `tests/agent/planner/test_intents_arrays.py` checks the vectors
    against scikit-learn's."""

    def __init__(self, terms: np.ndarray, idf: np.ndarray, analyzer: Callable[[str], list[str]]):
        self.terms, self.idf, self.analyzer = terms, idf, analyzer
        self.index = {str(t): i for i, t in enumerate(terms)}

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, weights) of one text's non-zero features."""
        counts: dict[int, int] = {}
        for gram in self.analyzer(text):
            column = self.index.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(0, dtype=int), np.zeros(0)
        columns = np.fromiter(counts, dtype=int, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[columns]
        return columns, weights / np.linalg.norm(weights)


def _terms(vectorizer) -> np.ndarray:  # noqa: ANN001 - a fitted TfidfVectorizer
    return np.array(sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get))


class IntentClassifier:
    """Logistic regression on n-grams (+ embeddings when given), plus rule evidence.

    Fitted once by `fit`; held as plain arrays (vocabularies, idf, coefficients) so that
    `to_arrays`/`from_arrays` can persist it without pickle and a new process skips the fit."""

    ARRAYS = ("word_terms", "word_idf", "char_terms", "char_idf", "coef", "intercept", "labels")

    def __init__(self, words: NgramTfidf, chars: NgramTfidf, coef: np.ndarray, intercept: np.ndarray, labels: list[str], embed: Embed | None = None):
        self.words, self.chars, self.coef, self.intercept, self.labels, self.embed = words, chars, coef, intercept, labels, embed

    @classmethod
    def fit(cls, texts: list[str], labels: list[str], embed: Embed | None = None, seed: int = 0) -> IntentClassifier:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        norm = [normalise(t) for t in texts]
        words = TfidfVectorizer(**WORDS, min_df=1)
        chars = TfidfVectorizer(**CHARS, min_df=2)
        features = hstack([words.fit_transform(norm), chars.fit_transform(norm)]).tocsr()
        if embed is not None:
            features = hstack([features, embed(texts)]).tocsr()
        model = LogisticRegression(C=8.0, max_iter=2000, random_state=seed).fit(features, labels)
        return cls(NgramTfidf(_terms(words), words.idf_, word_ngrams), NgramTfidf(_terms(chars), chars.idf_, char_wb_ngrams),
                   model.coef_, model.intercept_, [str(c) for c in model.classes_], embed)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"word_terms": self.words.terms, "word_idf": self.words.idf, "char_terms": self.chars.terms, "char_idf": self.chars.idf,
                "coef": self.coef, "intercept": self.intercept, "labels": np.array(self.labels)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], embed: Embed | None = None) -> IntentClassifier:
        return cls(NgramTfidf(arrays["word_terms"], arrays["word_idf"], word_ngrams), NgramTfidf(arrays["char_terms"], arrays["char_idf"], char_wb_ngrams),
                   arrays["coef"], arrays["intercept"], [str(label) for label in arrays["labels"]], embed)

    def probabilities(self, text: str) -> np.ndarray:
        """Multinomial logistic regression's softmax, as scikit-learn's `predict_proba` computes it
        (columns: word n-grams, then character n-grams, then the embedding)."""
        norm = normalise(text)
        (wi, wv), (ci, cv) = self.words.transform(norm), self.chars.transform(norm)
        offset = len(self.words.terms)
        logits = self.coef[:, wi] @ wv + self.coef[:, offset + ci] @ cv + self.intercept
        if self.embed is not None:
            logits = logits + self.coef[:, offset + len(self.chars.terms):] @ np.asarray(self.embed([text]))[0]
        p = np.exp(logits - logits.max())
        return p / p.sum()

    def scores(self, text: str) -> IntentScores:
        probs = dict(zip(self.labels, self.probabilities(text).tolist()))
        cued = set()
        for pattern, intent, weight in _COMPILED:
            if pattern.search(text):
                probs[intent] = probs.get(intent, 0.0) + weight
                cued.add(intent)
        ranked = sorted(probs.items(), key=lambda kv: -kv[1])
        return IntentScores(ranked, frozenset(cued))


@lru_cache(maxsize=1)
def default_classifier() -> IntentClassifier:
    """N-grams and rules only: what the planner uses when no embedding model is at hand."""
    texts, labels = load_exemplars()
    return IntentClassifier.fit(texts, labels)


def embedded_classifier(embed: Embed) -> IntentClassifier:
    """N-grams + sentence embeddings + rules, fitted on the exemplars."""
    texts, labels = load_exemplars()
    return IntentClassifier.fit(texts, labels, embed=embed)
