"""Hype tools: the hype score of a subject from stored posts (this module), and the watches that
post alerts when it crosses a threshold (`tools.hype.watch`).

Windows end at the subject's latest post, not today: the shared posts are from February 2015, and
"this week" of a subject means its last `window_days` days of posts. Every output names the window.
Undated posts (the SXSW batch) get sentiment and share of voice only: no time metrics, no score.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, StringConstraints
from sqlmodel import select

from engines.hype.anomalies import Anomaly, detect
from engines.hype.metrics import DEFINITIONS, Metric, compute_metrics, describe
from engines.hype.posts import normalise_subject
from engines.hype.score import HISTORY_WINDOWS, MIN_POSTS, Component, HypeResult, score_subject, uses_own_history
from memory.build.pipelines import HYPE_STEP
from memory.build.runner import build_note
from memory.db import session_scope
from memory.hype_sentiment import score_unscored
from memory.posts import SHARED_SOURCES, SubjectInfo, ensure_shared_posts, fingerprint, known_subjects, latest_post_time, link_by_text, subject_posts
from memory.tables import HypeSnapshot
from tools.base import Chart, ToolContext, ToolError, ToolOutput
from tools.formatting import period
from tools.hype.chart import TimelinePoint, render_timeline
from tools.registry import register
from tools.schemas import RegionName, StrictInput

STALE_DAYS = 2  # a window ending longer ago than this is flagged as old in answers and alerts
MAX_DRIVERS = 3
CLASSIFY_INLINE = 2000  # posts the tool classifies (and stores) per call, ≈ 0.5 s at the model's speed; the rest wait for `caeser build`
TOP_POSTS = 5
VOICES = 5  # posts of each sentiment kept for "what are people complaining about?"


class HypeScoreInput(StrictInput):
    subject: str | None = Field(default=None, min_length=1, max_length=200, description="Product, brand or topic, e.g. 'Stanley cups', 'Virgin America'. Unset: every stored subject ranked by hype (\"what's trending?\").", examples=["Stanley cups"])
    window_days: int = Field(default=7, ge=1, le=365, description="How many days of posts to score, ending at the subject's latest post.", examples=[7])
    region: RegionName | None = Field(default=None, description="Only posts from this market, e.g. 'UK'; unset = everywhere.", examples=["North America"])
    source: str | None = Field(default=None, min_length=1, max_length=80, description="Only posts from this event or stored batch: 'SXSW' matches the batch 'sxsw_2011'; an imported file's source name; unset = every source.", examples=["SXSW"])
    versus: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(default_factory=list, max_length=3, description="Other subjects scored the same way, side by side: 'who's hotter, Delta or United?' = subject 'Delta', versus ['United'].", examples=[["United"]])
    posts: Literal["negative", "positive"] | None = Field(default=None, description="Lead with what people said of this sentiment, most engaged first: 'what are people complaining about?' = negative, 'what do they love about it?' = positive.", examples=["negative"])


class Rival(BaseModel):
    """Another subject scored on the same window length and region, for side-by-side answers."""

    subject: str
    score: float | None
    score_low: float | None
    score_high: float | None
    posts: int
    state: str
    reason: str | None = None
    sentiment: float | None = Field(default=None, description="Mean sentiment of its posts (−1…1): what compares when neither has a score.")


class SentimentBreakdown(BaseModel):
    mean: float
    positive_share: float
    neutral_share: float
    negative_share: float
    method: str


class TopPost(BaseModel):
    text: str
    author: str
    created_at: str | None
    label: str
    sentiment: float
    engagement: int


class DayScore(BaseModel):
    """The score of the window ending on one earlier day (watches asking for N days in a row)."""

    window_end: str
    score: float
    score_low: float
    score_high: float


class HypeScoreData(BaseModel):
    subject: str
    window_start: str | None
    window_end: str | None
    window_days: int
    region: str | None
    score: float | None = Field(description="0–100, None when there are too few (or undated) posts to score.")
    score_low: float | None = Field(default=None, description="The score's 90 % interval (bootstrap over posts): lower end.")
    score_high: float | None = Field(default=None, description="The score's 90 % interval: upper end.")
    previous_score: float | None
    state: str
    posts: int
    reference: str | None = Field(default=None, description="What the metrics were compared with: 'own history', 'comparable subjects' or 'none'.")
    drivers: list[str] = Field(default_factory=list, description="The metrics that moved the score most, beyond chance.")
    data_age_days: int | None = Field(default=None, description="Days between the window's end and now.")
    recent: list[DayScore] = Field(default_factory=list, description="Windows ending on earlier days, newest first (only when asked for).")
    reason: str | None = Field(description="Why there is no score, when there is none.")
    components: list[Component]
    metrics: list[Metric]
    sentiment: SentimentBreakdown
    top_posts: list[TopPost]
    voices: dict[str, list[TopPost]] | None = Field(default=None, description="The most engaged negative and positive posts of the window (`VOICES` each), for 'what are people complaining about?'.")
    timeline: list[TimelinePoint]
    anomalies: list[Anomaly]
    peers: list[str]
    versus: list[Rival] = Field(default_factory=list, description="The other subjects asked about, scored the same way.")
    undated_posts: int = Field(default=0, description="Posts about the subject without a timestamp (an undated batch): outside the score's windows.")
    undated_sources: list[str] = Field(default_factory=list, description="The stored batches those undated posts come from.")
    ranking: list[Rival] = Field(default_factory=list, description="With no subject asked: every stored subject, ranked (highest hype first; undated batches last). The other fields describe the first.")


class HypeScoreOutput(ToolOutput):
    data: HypeScoreData


# --- posts on hand --------------------------------------------------------------------------------

def resolve_subject(ctx: ToolContext, subject: str) -> tuple[str, str]:
    """(normalised key, display name). Unknown subjects are searched for in the post texts once and
    linked; with no post naming them, a ToolError lists the subjects we do have."""
    key, subjects = _resolve(ctx, subject)
    return key, subjects[key].display


def _resolve(ctx: ToolContext, subject: str) -> tuple[str, dict[str, SubjectInfo]]:
    """The normalised key and every known subject (read once: peers come from the same mapping)."""
    key = normalise_subject(subject)
    subjects = _on_hand(ctx, key)
    if key not in subjects:
        key = _without_generic_words(key, subjects)
    if key not in subjects and link_by_text(ctx.settings, subject.strip()):
        subjects = known_subjects(ctx.settings)
    if key not in subjects:
        # the subjects with enough posts to score, not every word someone once asked about ("compared", 7 posts)
        options = [s.display for s in sorted(subjects.values(), key=lambda s: -s.posts) if s.posts >= MIN_POSTS and not s.searched]
        raise ToolError("not_found", f"No stored post mentions “{subject.strip()}”, so there is nothing to score. Import posts about it (`caeser posts import FILE --subject '{subject.strip()}'`), or pick a subject we have posts for.",
                        field="subject", options=options)
    return key, subjects


def _regions_of(posts: pd.DataFrame) -> tuple[str, list[str]]:
    """Where posts come from, in words ("North America (11,543), no region (9,612)"), and the regions
    to offer instead: what a request for a region without posts is told."""
    where = posts["region"].fillna("no region").value_counts().head(5)
    return ", ".join(f"{r} ({n:,})" for r, n in where.items()), [str(r) for r in where.index if r != "no region"]


def _on_hand(ctx: ToolContext, wanted: str | None = None) -> dict[str, SubjectInfo]:
    """Every known subject; the shared posts are imported first when some are not stored yet and
    `wanted` (a normalised key; None for "every subject") is not already known."""
    subjects = known_subjects(ctx.settings)
    if (wanted is None or wanted not in subjects) and SHARED_SOURCES - {source for info in subjects.values() for source in info.sources}:
        ensure_shared_posts(ctx.settings)
        subjects = known_subjects(ctx.settings)
    return subjects


def split_subjects(text: str, subjects: dict[str, SubjectInfo], longest: int = 3) -> list[str]:
    """The stored subjects a text is made of, left to right, longest names first ("virgin america
    united" → Virgin America, United), as display names; [] unless every word belongs to one."""
    words, found = normalise_subject(text).split(), []
    i = 0
    while i < len(words):
        n = next((n for n in range(min(longest, len(words) - i), 0, -1) if " ".join(words[i:i + n]) in subjects), 0)
        if not n:
            return []
        found.append(subjects[" ".join(words[i:i + n])].display)
        i += n
    return found


#: words a marketer adds to a brand that the posts' subject names leave out: "United Airlines" is United
GENERIC_WORDS = frozenset("the airlines airline airways air inc corp corporation co company brand brands group plc ltd llc".split())


def _without_generic_words(key: str, subjects: dict[str, SubjectInfo]) -> str:
    """The known subject left when leading and trailing generic words are dropped, else `key`:
    "united airlines" → "united", while "us airways", itself a subject, never gets here."""
    words = key.split()
    while words and words[-1] in GENERIC_WORDS:
        words.pop()
    while words and words[0] in GENERIC_WORDS:
        words.pop(0)
    short = " ".join(words)
    return short if short and short in subjects else key


def _peers(subjects: dict[str, SubjectInfo], key: str) -> dict[str, str]:
    """Subjects sharing a source with this one (the other airlines, the other SXSW brands):
    normalised key → display name."""
    sources = set(subjects[key].sources)
    others = {k: info for k, info in subjects.items() if k != key and info.posts >= MIN_POSTS and not info.searched and not set(info.sources) <= SHARED_SOURCES - sources}
    same = {k: info.display for k, info in others.items() if sources & set(info.sources)}
    return same or {k: info.display for k, info in others.items()}


# --- the figures ----------------------------------------------------------------------------------

def _sentiment(frame: pd.DataFrame, method: str) -> SentimentBreakdown:
    n = max(len(frame), 1)
    labels = frame["label"]
    return SentimentBreakdown(mean=round(float(frame["sentiment"].mean()) if len(frame) else 0.0, 3), positive_share=round(float((labels == "positive").sum() / n), 3),
                              neutral_share=round(float((labels == "neutral").sum() / n), 3), negative_share=round(float((labels == "negative").sum() / n), 3), method=method)


def _top_posts(frame: pd.DataFrame, take: int = TOP_POSTS) -> list[TopPost]:
    """Most engaged posts first; ties broken by the strongest sentiment (most telling)."""
    ranked = frame.assign(engagement=frame["likes"] + frame["reposts"] + frame["replies"], strength=frame["sentiment"].abs())
    ranked = ranked.sort_values(["engagement", "strength", "id"], ascending=[False, False, True]).drop_duplicates("text_key").head(take)
    return [TopPost(text=r.text, author=r.author, created_at=None if pd.isna(r.created_at) else r.created_at.isoformat(), label=r.label,
                    sentiment=round(float(r.sentiment), 3), engagement=int(r.engagement)) for r in ranked.itertuples()]


def _voices(frame: pd.DataFrame) -> dict[str, list[TopPost]]:
    """Per sentiment label, its most engaged posts (a repeated text once): what a reader asks for
    after "45% negative"."""
    return {label: _top_posts(frame.loc[frame["label"] == label], VOICES) for label in ("negative", "positive")}


def _timeline(frame: pd.DataFrame) -> list[TimelinePoint]:
    dated = frame.dropna(subset=["created_at"])
    if dated.empty:
        return []
    daily = dated.groupby(dated["created_at"].dt.strftime("%Y-%m-%d"))["sentiment"].agg(["size", "mean"])
    return [TimelinePoint(date=d, posts=int(row["size"]), sentiment_mean=None if pd.isna(row["mean"]) else round(float(row["mean"]), 3)) for d, row in daily.iterrows()]


def compute_hype(ctx: ToolContext, inp: HypeScoreInput, days_in_row: int = 1) -> tuple[HypeScoreData, str]:
    """The figures for one request (no snapshot written): data and the source sentence. With
    `days_in_row` > 1 the windows ending 1 … days_in_row − 1 days earlier are scored too (`recent`),
    for watches that ask for N days in a row."""
    key, subjects = _resolve(ctx, inp.subject or "")
    display = subjects[key].display
    frame = subject_posts(ctx.settings, [key], inp.region)
    if frame.empty:
        where, options = _regions_of(subject_posts(ctx.settings, [key]))
        raise ToolError("not_found", f"There are posts about {display}, but none in {inp.region}; they come from {where}.", field="region", options=options)
    peer_keys = _peers(subjects, key)
    peers_all = subject_posts(ctx.settings, list(peer_keys), inp.region) if peer_keys else frame.iloc[0:0]
    if inp.source:
        sources = _matching_sources(inp.source, set(frame["source"]))
        if not sources:
            raise ToolError("not_found", f"No stored post about {display} comes from “{inp.source.strip()}”; its posts come from {', '.join(sorted(set(frame['source'])))}.",
                            field="source", options=sorted(set(frame["source"])))
        frame = frame.loc[frame["source"].isin(sources)].reset_index(drop=True)
        peers_all = peers_all.loc[peers_all["source"].isin(sources)].reset_index(drop=True)
        display = f"{display} at {inp.source.strip()}"
    both = pd.concat([frame, peers_all], ignore_index=True)
    latest = latest_post_time(frame)
    # Sentiment only where a scored window can reach: the subject's W, P and reference windows, for
    # this window, the previous one and the earlier days a watch asks for; the peers' windows only
    # when they are the reference (the subject lacks history), else peers give volumes alone.
    needed = both["created_at"].isna()
    if latest is not None:
        end = latest + timedelta(microseconds=1)
        ends = [end - timedelta(days=k) for k in range(days_in_row)] + [end - timedelta(days=inp.window_days)]
        reach = timedelta(days=(HISTORY_WINDOWS + 1) * inp.window_days + days_in_row - 1)
        peer_reach = reach if peer_keys and not all(uses_own_history(frame, e, inp.window_days) for e in ends) else None
        since = np.where(np.arange(len(both)) < len(frame), np.datetime64(latest - reach), np.datetime64(latest - (peer_reach or timedelta(days=-1))))
        needed |= both["created_at"].to_numpy() >= since
    scored, method = score_unscored(ctx.settings, both.loc[needed].copy(), store_limit=CLASSIFY_INLINE, counted=(np.arange(len(both)) < len(frame))[needed.to_numpy()])
    method += _build_note(ctx)
    both.loc[needed, ["sentiment", "label"]] = scored[["sentiment", "label"]].to_numpy()
    both["sentiment"] = both["sentiment"].astype(float)
    frame, peers_all = both.iloc[: len(frame)].reset_index(drop=True), both.iloc[len(frame):].reset_index(drop=True)
    peers = {k: g.reset_index(drop=True) for k, g in peers_all.groupby("subject")}
    source = f"{len(frame)} stored posts about {display} ({', '.join(sorted(set(frame['source'])))}); {method}"
    undated = frame.loc[frame["created_at"].isna()]
    if latest is None:
        return _undated(display, inp, undated, peers, peer_keys, method, ""), source + "; undated batch: sentiment and share of voice only"
    end = latest + timedelta(microseconds=1)
    start = end - timedelta(days=inp.window_days)
    window = frame.loc[(frame["created_at"] >= start) & (frame["created_at"] < end)]
    timeline = _timeline(frame)
    base = dict(subject=display, window_start=start.isoformat(timespec="seconds"), window_end=latest.isoformat(timespec="seconds"), window_days=inp.window_days,
                region=inp.region, sentiment=_sentiment(window, method), top_posts=_top_posts(window), voices=_voices(window), timeline=timeline, peers=[peer_keys[k] for k in peers])
    if len(window) < MIN_POSTS and len(undated) >= MIN_POSTS:
        note = f"only {len(window)} dated posts in {base['window_start'][:10]} → {base['window_end'][:10]}; "
        return _undated(display, inp, undated, peers, peer_keys, method, note), source + "; undated batch: sentiment and share of voice only"
    if len(window) < MIN_POSTS:
        metrics = compute_metrics(frame, end, inp.window_days, len(window))
        return HypeScoreData(**base, score=None, previous_score=None, state="😐", posts=len(window), components=[], metrics=describe(metrics), anomalies=[],
                             reason=f"only {len(window)} posts in the window; at least {MIN_POSTS} are needed to score"), source
    result = score_subject(frame, end, inp.window_days, peers)
    previous = compute_metrics(frame, start, inp.window_days, 0, ngrams=False)
    recent = []
    for k in range(1, days_in_row):
        earlier_end = end - timedelta(days=k)
        if int(((frame["created_at"] >= earlier_end - timedelta(days=inp.window_days)) & (frame["created_at"] < earlier_end)).sum()) < MIN_POSTS:
            break
        r = score_subject(frame, earlier_end, inp.window_days, peers)
        recent.append(DayScore(window_end=(earlier_end - timedelta(microseconds=1)).isoformat(timespec="seconds"), score=r.score, score_low=r.low, score_high=r.high))
    return HypeScoreData(**base, score=result.score, score_low=result.low, score_high=result.high, previous_score=result.previous_score, state=result.state, posts=result.posts, undated_posts=len(undated),
                         undated_sources=sorted(set(undated["source"])),
                         reference=result.reference, drivers=drivers(result), data_age_days=(datetime.now(timezone.utc).replace(tzinfo=None) - latest).days, recent=recent,
                         reason=None, components=result.components, metrics=describe(result.metrics), anomalies=detect(result.metrics, previous)), source


def _matching_sources(asked: str, stored: set[str]) -> set[str]:
    """The stored sources an asked event names: letters and digits compared, so 'SXSW' and
    'sxsw 2011' both name the batch 'sxsw_2011'."""
    def key(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    want = key(asked)
    return {s for s in stored if want and (want in key(s) or key(s) in want)}


def drivers(result: HypeResult) -> list[str]:
    """The metrics that moved the score most (beyond chance), in words: value against what is usual."""
    moved = sorted((c for c in result.components if c.z is not None and abs(c.normalised - 0.5) >= 0.01), key=lambda c: -abs(c.points - 50 * c.weight))
    return [f"{c.metric.replace('_', ' ')} {c.value:,.2f} vs usual {c.usual:,.2f} {DEFINITIONS[c.metric][0]} ({c.z:+.1f} σ)" for c in moved[:MAX_DRIVERS]]


def _undated(display: str, inp: HypeScoreInput, frame: pd.DataFrame, peers: dict[str, pd.DataFrame], names: dict[str, str], method: str, note: str) -> HypeScoreData:
    """Sentiment and share of voice of the undated posts (the SXSW batch); `note` says why the dated
    ones, if any, were not enough."""
    total = len(frame) + sum(int(p["created_at"].isna().sum()) for p in peers.values())
    return HypeScoreData(subject=display, window_start=None, window_end=None, window_days=inp.window_days, region=inp.region, score=None, previous_score=None, state="😐",
                         posts=len(frame), components=[], metrics=[Metric(name="share_of_voice", value=round(len(frame) / max(total, 1), 4), unit="share", formula="N / Σ over subjects N")],
                         reason=note + f"{len(frame)} posts carry no timestamps (one undated batch), so volume over time, velocity and the score cannot be computed",
                         sentiment=_sentiment(frame, method), top_posts=_top_posts(frame), voices=_voices(frame), timeline=[], anomalies=[], peers=[names[k] for k in peers])


def summarise(d: HypeScoreData) -> str:
    s = d.sentiment
    mood = f"sentiment {s.mean:+.2f} ({s.positive_share:.0%} positive, {s.negative_share:.0%} negative)"
    if d.score is None:
        where = f" from {period(d.window_start, d.window_end)}, the latest stored" if d.window_start else ""
        return f"{d.subject}: no hype score — {d.reason}. {d.posts} posts{where}; {mood}{_voice(d)}.{_examples(d)}"
    move = "" if d.previous_score is None else f", {d.score - d.previous_score:+.0f} vs the previous {d.window_days} days"
    flags = (" Flags: " + "; ".join(a.message for a in d.anomalies) + ".") if d.anomalies else ""
    why = f"drivers: {'; '.join(d.drivers)}" if d.drivers else f"nothing beyond chance against its {d.reference}" if d.reference != "none" else "nothing to compare with yet, so neutral"
    undated = (f" {d.undated_posts:,} more posts about it carry no date ({', '.join(d.undated_sources)}), so they are not in the score: ask for it "
               f"at that event for their sentiment." if d.undated_posts else "")
    return (f"{d.state} {d.subject} hype {d.score:.0f}/100 (90% range {d.score_low:.0f}–{d.score_high:.0f}){move}, from {d.posts} posts in the {d.window_days} days "
            f"{window_dates(d)}; {mood}; {why}.{flags}{undated}{_examples(d)}")


SAID = {"negative": "complain about", "positive": "love about"}


def said(d: HypeScoreData, label: str, width: int = 140) -> str:
    """"What people complain about (920 of 2,042 posts, 45%, negative), most engaged first: 1) “…” (12 likes,
    reposts and replies) 2) …" — the posts behind a sentiment figure."""
    posts = (d.voices or {}).get(label, [])
    share = {"negative": d.sentiment.negative_share, "positive": d.sentiment.positive_share}[label]
    if not posts:
        return f"No {label} post about {d.subject} in this window ({d.posts} posts)."
    quotes = " ".join(f"{i}) “{p.text.strip()[:width]}{'…' if len(p.text.strip()) > width else ''}”" + (f" ({p.engagement:,} likes, reposts and replies)" if p.engagement else "")
                      for i, p in enumerate(posts, 1))
    return f"What people {SAID[label]} {d.subject} ({round(share * d.posts):,} of {d.posts:,} posts, {share:.0%}, {label}), most engaged first: {quotes}"


def _voice(d: HypeScoreData) -> str:
    """"; 62% share of voice among Google, iPad, Android…" — an undated batch's one relative measure."""
    share = next((m.value for m in d.metrics if m.name == "share_of_voice"), None)
    if share is None or not d.peers:
        return ""
    return f"; {share:.0%} share of voice among it and {', '.join(d.peers[:3])}{'…' if len(d.peers) > 3 else ''}"


def _examples(d: HypeScoreData, width: int = 110) -> str:
    """What people said: the most engaged negative and positive post (the strongest sentiment first
    among equals), else the two most engaged — what a reader asks next after a sentiment figure."""
    picks = [p for p in (next((p for p in d.top_posts if p.label == label), None) for label in ("negative", "positive")) if p is not None] or d.top_posts[:2]
    quotes = [f"“{p.text.strip()[:width]}{'…' if len(p.text.strip()) > width else ''}” ({p.label})" for p in picks]
    return f" For example: {'; '.join(quotes)}." if quotes else ""


def window_dates(d: HypeScoreData) -> str:
    """'17–24 Feb 2015 (the latest stored posts)': the data's own period said plainly, flagged when
    the window ended more than STALE_DAYS ago."""
    dates = period(d.window_start, d.window_end)
    if d.data_age_days is not None and d.data_age_days > STALE_DAYS:
        return f"{dates} (⚠️ the latest post is {d.data_age_days} days old)"
    return f"{dates} (the latest stored posts)"


# --- snapshots ------------------------------------------------------------------------------------

def margin(d: HypeScoreData) -> float:
    """The `confidence` column of a snapshot: half the width of the score's 90 % interval, in points
    (0 when there is no score). The column keeps its old name so older stores still read."""
    return 0.0 if d.score_low is None or d.score_high is None else round((d.score_high - d.score_low) / 2, 1)


def snapshot_row(d: HypeScoreData, fp: str) -> HypeSnapshot:
    def when(iso: str | None) -> datetime | None:
        return datetime.fromisoformat(iso).replace(tzinfo=timezone.utc) if iso else None

    return HypeSnapshot(subject=normalise_subject(d.subject), window_days=d.window_days, region=d.region, window_start=when(d.window_start),
                        window_end=when(d.window_end), score=d.score, state=d.state,
                        confidence=margin(d), posts=d.posts, fingerprint=fp, result=d.model_dump(mode="json"))


def _cached(ctx: ToolContext, inp: HypeScoreInput, fp: str) -> HypeSnapshot | None:
    with session_scope(ctx.settings) as s:
        return s.exec(select(HypeSnapshot).where(HypeSnapshot.subject == normalise_subject(inp.subject), HypeSnapshot.window_days == inp.window_days,
                                                 HypeSnapshot.region == inp.region if inp.region else HypeSnapshot.region.is_(None), HypeSnapshot.fingerprint == fp)
                      .order_by(HypeSnapshot.id.desc()).limit(1)).first()


def _chart(ctx: ToolContext, d: HypeScoreData, fp: str) -> list[Chart]:
    if not d.timeline or d.window_start is None:
        return []
    slug = re.sub(r"[^a-z0-9]+", "-", d.subject.lower()).strip("-")
    name = f"hype-{slug}-{d.window_days}d-{(d.region or 'all').replace(' ', '')}-{fp.replace(':', '_')}.png"
    rng = f" · hype {d.score:.0f} (90% range {d.score_low:.0f}–{d.score_high:.0f})" if d.score is not None and d.score_low is not None else ""
    title = f"{d.subject}: posts and sentiment per day{rng}"
    path = render_timeline(ctx.charts_dir / name, title, d.timeline, (d.window_start[:10], d.window_end[:10]))
    return [Chart(path=str(path), title=title)]


@register("hype_score", engine="hype", input_model=HypeScoreInput, output_model=HypeScoreOutput, description="""
Hype score 0–100 for a product, brand or topic from social posts: metric breakdown (volume, velocity,
sentiment, novelty, engagement…), the score's 90% range, drivers, sentiment, top posts and timeline. Use for "what's the hype on X this week?".
""")
def hype_score(inp: HypeScoreInput, ctx: ToolContext) -> HypeScoreOutput:
    if inp.subject is None:
        return _trending(ctx, inp)
    read = ""
    try:
        data, source, fp = _score_one(ctx, inp.model_copy(update={"versus": []}))
    except ToolError as err:
        parts = split_subjects(inp.subject, known_subjects(ctx.settings)) if err.code == "not_found" else []
        if len(parts) < 2:
            raise
        # "hype delta united american": several stored subjects typed one after another, scored side by side
        read = f"Read “{inp.subject.strip()}” as {', '.join(parts[:-1])} and {parts[-1]}. "
        inp = inp.model_copy(update={"subject": parts[0], "versus": [*parts[1:], *inp.versus][:3]})
        data, source, fp = _score_one(ctx, inp.model_copy(update={"versus": []}))
    for other in inp.versus:
        data.versus.append(_rival(ctx, inp.model_copy(update={"subject": other, "versus": []})))
    voices = said(data, inp.posts) + " " if inp.posts and not data.versus else ""  # "what are people complaining about?" answers with the posts first
    summary = read + (side_by_side(data) + " " if data.versus else "") + voices + summarise(data)  # a comparison answers with the comparison first
    return HypeScoreOutput(summary=summary, data=data, charts=_chart(ctx, data, fp), source=source or "stored posts")


def _score_one(ctx: ToolContext, inp: HypeScoreInput) -> tuple[HypeScoreData, str, str]:
    """One subject's score, from the snapshot store when nothing it depends on has changed. A score
    of one source's posts is not the subject's score: it is neither read from nor kept in the store."""
    fp = fingerprint(ctx.settings)
    if inp.source:
        data, source = compute_hype(ctx, inp)
        return data, source, fingerprint(ctx.settings)
    cached = _cached(ctx, inp, fp)
    if cached is not None and (not inp.posts or cached.result.get("voices") is not None):  # snapshots made before `voices` existed lack them
        return HypeScoreData.model_validate(cached.result), cached.result.get("_source", ""), fp
    data, source = compute_hype(ctx, inp)
    fp = fingerprint(ctx.settings)  # classifying posts inline changes it
    row = snapshot_row(data, fp)
    row.result["_source"] = source
    with session_scope(ctx.settings) as s:
        s.add(row)
    return data, source, fp


def _rival(ctx: ToolContext, inp: HypeScoreInput) -> Rival:
    """A compared subject: its score, or why it has none (no posts is an answer, not a failure)."""
    try:
        d, _, _ = _score_one(ctx, inp)
    except ToolError as exc:
        return Rival(subject=inp.subject or "", score=None, score_low=None, score_high=None, posts=0, state="", reason=exc.message.split(",")[0])
    return _as_rival(d)


def _as_rival(d: HypeScoreData) -> Rival:
    return Rival(subject=d.subject, score=d.score, score_low=d.score_low, score_high=d.score_high, posts=d.posts, state=d.state, reason=d.reason,
                 sentiment=d.sentiment.mean if d.posts else None)


TRENDING_MAX = 10  # subjects a "what's trending?" answer ranks


def _trending(ctx: ToolContext, inp: HypeScoreInput) -> HypeScoreOutput:
    """"What's trending?": the subjects posts were imported under (not the words someone once
    searched the posts for; only those with posts from `source` when one is named), the
    `TRENDING_MAX` with most posts, each scored on the same window, ranked by score, then posts;
    undated batches, which have no score, after them by posts."""
    subjects = _on_hand(ctx)
    ranked = [key for key, info in sorted(subjects.items(), key=lambda kv: -kv[1].posts)
              if info.posts >= MIN_POSTS and not info.searched and (not inp.source or _matching_sources(inp.source, set(info.sources)))][:TRENDING_MAX]
    names = [subjects[key].display for key in ranked]
    if not names:
        raise ToolError("not_found", f"No subject has {MIN_POSTS} or more stored posts, so there is nothing to rank. Import posts (`caeser posts import FILE --subject NAME`).", field="subject")
    results = []
    for name in names:
        try:
            results.append(_score_one(ctx, inp.model_copy(update={"subject": name, "versus": []})))
        except ToolError:
            continue  # e.g. no posts in the asked region: left out of the ranking
    if not results:
        where, options = _regions_of(subject_posts(ctx.settings, ranked))
        raise ToolError("not_found", f"None of the stored subjects has posts in {inp.region}; their posts come from {where}.", field="region", options=options)
    results.sort(key=lambda r: (r[0].score is None, -(r[0].score or 0.0), -r[0].posts))
    top, source, fp = results[0]
    top.ranking = [_as_rival(d) for d, _, _ in results]
    return HypeScoreOutput(summary=leaderboard(top), data=top, charts=_chart(ctx, top, fp), source=f"{len(results)} stored subjects ranked; {source}")


def leaderboard(d: HypeScoreData) -> str:
    """"What's trending" in words: the scored subjects in order with their ranges, volume and
    sentiment, then the undated ones, the extremes of sentiment, and whether the leader stands out."""
    scored = [r for r in d.ranking if r.score is not None]
    undated = [r for r in d.ranking if r.score is None]
    where = f" in {d.region}" if d.region else ""
    lines = [f"#{i} {r.subject} {r.score:.0f} ({r.score_low:.0f}–{r.score_high:.0f}), {r.posts:,} posts" + ("" if r.sentiment is None else f", sentiment {r.sentiment:+.2f}") + "."
             for i, r in enumerate(scored, 1)]
    text = f"What's trending{where}: {len(d.ranking)} stored subjects, each scored on its latest {d.window_days} days of posts"
    text += (f", {window_dates(d)} for {d.subject}." if d.window_start else ".") + "".join(" " + line for line in lines)
    if undated:
        text += " No score (" + (undated[0].reason or "too few dated posts").split(",")[0].split(";")[0] + "): " + "; ".join(
            f"{r.subject} {r.posts:,} posts" + ("" if r.sentiment is None else f", sentiment {r.sentiment:+.2f}") for r in undated) + "."
    moods = [r for r in d.ranking if r.sentiment is not None and r.posts]
    if len(moods) >= 2:
        low, high = min(moods, key=lambda r: r.sentiment or 0.0), max(moods, key=lambda r: r.sentiment or 0.0)
        text += f" Lowest sentiment: {low.subject} ({low.sentiment:+.2f}); highest: {high.subject} ({high.sentiment:+.2f})."
    if len(scored) >= 2:
        leader, rest = scored[0], scored[1:]
        clear = all(leader.score_low is not None and r.score_high is not None and leader.score_low > r.score_high for r in rest)
        text += (f" {leader.subject} leads beyond every other's 90% range." if clear else
                 f" {leader.subject} is first, but its 90% range overlaps {sum(1 for r in rest if not (leader.score_low or 0) > (r.score_high or 0))} other(s): no clear leader on hype; compare volume and sentiment instead.")
    return text


def side_by_side(d: HypeScoreData) -> str:
    """"Delta 58 (52–63) vs United 41 (37–46): Delta leads beyond the ranges" — overlapping ranges are a tie."""
    if d.score is None and all(r.score is None for r in d.versus) and d.posts and any(r.sentiment is not None for r in d.versus):
        # nothing scored (undated posts, too few): the sentiment of what there is still compares
        sides = [f"{d.subject} {d.sentiment.mean:+.2f} ({d.posts} posts)"] + [f"{r.subject} {r.sentiment:+.2f} ({r.posts} posts)" if r.sentiment is not None
                                                                          else f"{r.subject}: no posts ({r.reason or 'none stored'})" for r in d.versus]
        return "Side by side, no hype scores, mean sentiment: " + " vs ".join(sides) + "."
    rows = [(d.subject, d.score, d.score_low, d.score_high, d.posts, d.reason, d.sentiment.mean)] + [(r.subject, r.score, r.score_low, r.score_high, r.posts, r.reason, r.sentiment) for r in d.versus]
    parts = [f"{name} {score:.0f} ({low:.0f}–{high:.0f}, {posts} posts{'' if mood is None else f', sentiment {mood:+.2f}'})" if score is not None else f"{name}: no score ({reason or 'no posts'})"
             for name, score, low, high, posts, reason, mood in rows]
    scored = [r for r in rows if r[1] is not None]
    text = "Side by side: " + " vs ".join(parts) + "."
    if len(scored) >= 2:
        top = max(scored, key=lambda r: r[1])
        rest = [r for r in scored if r is not top]
        clear = all(top[2] is not None and r[3] is not None and top[2] > r[3] for r in rest)
        if clear:
            text += f" {top[0]} leads beyond the 90% ranges."
        else:
            level = all(round(r[1]) == round(top[1]) for r in rest)
            text += (" Level on hype" if level else f" {top[0]} is ahead, but the ranges overlap") + ": too close to call. " + _differences(scored)
    return text


def _differences(rows: list[tuple]) -> str:
    """When hype cannot separate two subjects, what still does: how many posts each drew and how
    they felt ("United drew 38% more posts (3,781 vs 2,748); sentiment -0.51 vs -0.55")."""
    (a, _, _, _, posts_a, _, mood_a), (b, _, _, _, posts_b, _, mood_b) = sorted(rows[:2], key=lambda r: -r[4])
    text = f"{a} drew {posts_a / max(posts_b, 1) - 1:.0%} more posts ({posts_a:,} vs {posts_b:,})" if posts_a > posts_b else f"{a} and {b} drew as many posts ({posts_a:,})"
    if mood_a is not None and mood_b is not None:
        better = a if mood_a > mood_b else b
        text += f"; sentiment {mood_a:+.2f} vs {mood_b:+.2f}" + ("" if abs(mood_a - mood_b) < 0.05 else f", {better} warmer")
    return text + "."


def _build_note(ctx: ToolContext) -> str:
    """Start training the sentiment model in the background if it is missing or stale; how far it
    is, as a clause of the source line."""
    sentence = build_note(ctx.settings, HYPE_STEP)
    return f"; {sentence[0].lower()}{sentence[1:].rstrip('.')}" if sentence else ""
