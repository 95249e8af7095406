"""hype_score, watch_hype and list_watches through their typed inputs and outputs."""
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engines.hype.posts import POST_COLUMNS
from memory.posts import store_posts
from tools.base import ToolError
from tools.hype.score import HypeScoreInput, hype_score
from tools.hype.watch import ListWatchesInput, WatchHypeInput, list_watches, watch_hype
from tools.registry import run_tool

END = datetime(2024, 5, 31)
WORDS = "love great new drop wow hate slow meh launch price queue colour restock".split()


def synthetic(source: str, subject: str, daily: list[int], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for day, n in enumerate(daily):
        for i in range(n):
            t = END - timedelta(days=len(daily) - day) + timedelta(seconds=int(rng.integers(0, 86400)))
            text = f"{subject} " + " ".join(rng.choice(WORDS, 6)) + f" #{day}x{i}"
            rows.append({"source": source, "external_id": f"{subject}-{day}-{i}", "subject": subject, "text": text, "author": f"u{rng.integers(0, 400)}",
                         "created_at": t, "region": "United States", "likes": int(rng.integers(0, 5)), "reposts": int(rng.integers(0, 3)), "replies": 0, "sentiment": None, "label": None})
    return pd.DataFrame(rows, columns=list(POST_COLUMNS))


@pytest.fixture
def ctx(ctx, tmp_path):
    """No shared datasets here: these tests use their own posts (the real-data test below uses them)."""
    ctx.settings = ctx.settings.model_copy(update={"data_dir": tmp_path / "no-data"})
    return ctx


@pytest.fixture
def subjects(settings):
    src, tag = f"test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6]
    names = {"hot": f"Hotbrand{tag}", "flat1": f"Flatone{tag}", "flat2": f"Flattwo{tag}", "rare": f"Rarebrand{tag}"}
    frames = [synthetic(src, names["hot"], [8] * 14 + [15, 25, 35, 50, 70, 90, 110], 1), synthetic(src, names["flat1"], [30] * 21, 2),
              synthetic(src, names["flat2"], [28] * 21, 3), synthetic(src, names["rare"], [0] * 20 + [5], 4)]
    store_posts(settings, pd.concat(frames, ignore_index=True), source=src, aliases={})
    return names


def test_hype_score_breakdown_window_chart_and_cache(ctx, subjects):
    out = hype_score(HypeScoreInput(subject=subjects["hot"].upper()), ctx)
    d = out.data
    assert d.score is not None and d.score >= 70 and d.state == "🔥"
    assert d.window_end.startswith("2024-05-30") and d.window_start.startswith("2024-05-23")
    assert d.posts == sum([15, 25, 35, 50, 70, 90, 110]) and d.score_low <= d.score <= d.score_high and d.score_low >= 60
    assert d.reference == "comparable subjects" and d.drivers and "velocity" in " ".join(d.drivers)  # two weeks of history: peers are the reference
    assert "90% range" in out.summary and "days old" in out.summary  # 2024 posts: the window is flagged as old
    assert len(d.metrics) >= 20 and {c.metric for c in d.components} >= {"velocity", "growth", "net_sentiment"}
    assert sorted(d.peers) == sorted([subjects["flat1"], subjects["flat2"]])
    assert len(d.top_posts) == 5 and d.timeline[-1].date == "2024-05-30"
    assert Path(out.charts[0].path).stat().st_size > 1000 and f"90% range {d.score_low:.0f}–{d.score_high:.0f}" in out.charts[0].title
    assert "in the 7 days 23–30 May 2024" in out.summary and "VADER" in out.source  # the data's own period, said plainly (issue 15 item 6)
    again = hype_score(HypeScoreInput(subject=subjects["hot"]), ctx)
    assert again.data == d and again.charts == out.charts
    flat = hype_score(HypeScoreInput(subject=subjects["flat1"]), ctx).data
    assert flat.score < d.score


def test_too_few_posts_is_said_plainly(ctx, subjects):
    out = hype_score(HypeScoreInput(subject=subjects["rare"]), ctx)
    assert out.data.score is None and "only 5 posts" in out.summary and "at least 20" in out.summary


def test_unknown_subject_and_bad_input(ctx, subjects):
    with pytest.raises(ToolError) as err:
        hype_score(HypeScoreInput(subject="Zzyzx Quantum Kettles"), ctx)
    assert err.value.code == "not_found" and "nothing to score" in err.value.message and err.value.info.options  # the subjects we do have
    assert subjects["rare"] not in err.value.info.options  # 5 posts: too few to score, so not offered
    with pytest.raises(ToolError, match="window_days"):
        run_tool("hype_score", {"subject": subjects["hot"], "window_days": 0}, ctx)
    with pytest.raises(ToolError, match="none in Japan"):
        hype_score(HypeScoreInput(subject=subjects["hot"], region="Japan"), ctx)


def test_watch_lifecycle(ctx, subjects):
    made = watch_hype(WatchHypeInput(subject=subjects["hot"], threshold=70, channel="slack:#launches"), ctx)
    assert made.data[0].channel == "slack:#launches" and "once per crossing" in made.summary
    updated = watch_hype(WatchHypeInput(action="update", subject=subjects["hot"], threshold=80, channel="slack:#launches"), ctx)
    assert updated.data[0].threshold == 80 and updated.data[0].watch_id == made.data[0].watch_id
    listed = list_watches(ListWatchesInput(subject=subjects["hot"]), ctx)
    assert [w.threshold for w in listed.data] == [80]
    with pytest.raises(ToolError, match="threshold"):
        watch_hype(WatchHypeInput(subject=subjects["flat1"], channel="slack:#x"), ctx)
    with pytest.raises(ToolError, match="discord:<numeric channel id>"):
        watch_hype(WatchHypeInput(subject=subjects["flat1"], threshold=50, channel="discord:general"), ctx)
    with pytest.raises(ToolError, match="Where should I post the alert"):
        watch_hype(WatchHypeInput(subject=subjects["flat1"], threshold=50), ctx)
    waiting = watch_hype(WatchHypeInput(subject="Nobody Sells This", threshold=50, channel="slack:#x", days_in_row=2), ctx)
    assert "no posts about Nobody Sells This yet" in waiting.summary and "caeser posts import" in waiting.summary and "2 days in a row" in waiting.summary
    assert "waiting for first posts" in list_watches(ListWatchesInput(subject="Nobody Sells This"), ctx).summary
    assert "Removed 1" in watch_hype(WatchHypeInput(action="remove", subject=subjects["hot"]), ctx).summary
    assert list_watches(ListWatchesInput(subject=subjects["hot"]), ctx).data == []
    with pytest.raises(ToolError, match="no watch"):
        watch_hype(WatchHypeInput(action="remove", subject=subjects["hot"]), ctx)


@pytest.mark.realdata
@pytest.mark.slow
def test_shared_brands(settings, data_dir):
    from tools.base import ToolContext

    ctx = ToolContext(settings=settings)
    virgin = hype_score(HypeScoreInput(subject="Virgin America"), ctx).data
    assert virgin.score is not None and virgin.window_end.startswith("2015-02-24") and "united" in [p.lower() for p in virgin.peers]
    united = hype_score(HypeScoreInput(subject="united"), ctx).data
    assert united.posts > 1000 and united.sentiment.negative_share > 0
    google = hype_score(HypeScoreInput(subject="Google"), ctx)
    assert google.data.score is None and "no timestamps" in google.summary and google.data.posts > 500


def test_source_scores_one_events_posts_and_names_the_sources_it_has(ctx, settings):
    """"Apple at SXSW": the event's undated batch alone (sentiment, share of voice, examples), not the
    subject's other posts; an event the subject has no posts from is refused with the ones it has."""
    tag = uuid.uuid4().hex[:6]
    brand, rival = f"Fruitco{tag}", f"Rivalco{tag}"
    event, feed = f"expo_{tag}_2011", f"feed-{tag}"
    undated = synthetic(event, brand, [30], 5).assign(created_at=pd.NaT)
    other = synthetic(event, rival, [20], 6).assign(created_at=pd.NaT)
    store_posts(settings, pd.concat([undated, other], ignore_index=True), source=event, aliases={})
    store_posts(settings, synthetic(feed, brand, [25] * 7, 7), source=feed, aliases={})
    out = run_tool("hype_score", {"subject": brand, "source": f"EXPO {tag}"}, ctx)
    d = out.data
    assert d.posts == 30 and d.score is None and d.subject == f"{brand} at EXPO {tag}"
    assert "60% share of voice" in out.summary and "For example: “" in out.summary and event in out.source and feed not in out.source
    both = run_tool("hype_score", {"subject": brand, "source": f"EXPO {tag}", "versus": [rival]}, ctx)
    assert f"Side by side, no hype scores, mean sentiment: {brand} at EXPO {tag} " in both.summary and f"{rival} at EXPO {tag}" in both.summary
    whole = run_tool("hype_score", {"subject": brand}, ctx).data
    assert whole.score is not None  # the dated feed still scores, and the filtered call stored no snapshot in its place
    with pytest.raises(ToolError) as err:
        run_tool("hype_score", {"subject": brand, "source": "CES"}, ctx)
    assert err.value.info.field == "source" and sorted(err.value.info.options) == sorted([event, feed])


def test_a_brand_with_a_generic_word_added_is_the_stored_subject(ctx, subjects):
    """"Hotbrand Airlines" is the subject Hotbrand, not the few posts that happen to spell it out."""
    plain = run_tool("hype_score", {"subject": subjects["hot"]}, ctx).data
    added = run_tool("hype_score", {"subject": f"the {subjects['hot']} Airlines Inc"}, ctx).data
    assert added.posts == plain.posts and added.score == plain.score


def test_stored_subjects_typed_one_after_another_are_split_longest_first() -> None:
    from memory.posts import SubjectInfo
    from tools.hype.score import split_subjects

    known = {k: SubjectInfo(display=d, posts=10, sources=["s"]) for k, d in {"virgin america": "Virgin America", "united": "United", "american": "American"}.items()}
    assert split_subjects("Virgin America united  american", known) == ["Virgin America", "United", "American"]
    assert split_subjects("united breakfast", known) == []  # a word that is no subject: not a list of subjects


def test_no_subject_ranks_the_imported_subjects_not_words_once_searched(ctx, subjects):
    from memory.posts import link_by_text

    assert link_by_text(ctx.settings, "queue") > 20  # a word someone asked about: linked by search, never trending
    src = next(iter(subject_sources(ctx, subjects["hot"])))
    out = hype_score(HypeScoreInput(source=src), ctx)
    names = [r.subject.removesuffix(f" at {src}") for r in out.data.ranking]  # scored on that batch's posts, and named so
    assert names[0] == subjects["hot"] and sorted(names[1:]) == sorted([subjects["flat1"], subjects["flat2"]])  # rare: too few posts to rank
    assert out.data.subject == f"{subjects['hot']} at {src}" and out.summary.startswith("What's trending")
    assert f"#1 {subjects['hot']}" in out.summary and "leads beyond every other's 90% range" in out.summary


def subject_sources(ctx, display: str) -> list[str]:
    from engines.hype.posts import normalise_subject
    from memory.posts import known_subjects

    return known_subjects(ctx.settings)[normalise_subject(display)].sources


def test_two_level_subjects_are_told_apart_by_volume_and_sentiment(ctx, subjects):
    out = hype_score(HypeScoreInput(subject=subjects["flat1"], versus=[subjects["flat2"]]), ctx)
    assert out.summary.startswith("Side by side:")  # a comparison answers with the comparison first
    assert "too close to call" in out.summary and f"{subjects['flat1']} drew" in out.summary and "more posts" in out.summary


def test_undated_posts_beside_a_scored_window_are_said_not_dropped_silently(ctx, subjects, settings):
    undated = synthetic("undated-batch", subjects["flat1"], [30], 9).assign(created_at=pd.NaT)
    store_posts(settings, undated, source="undated-batch", aliases={})
    out = hype_score(HypeScoreInput(subject=subjects["flat1"]), ctx)
    assert out.data.score is not None and out.data.undated_posts == 30 and out.data.undated_sources == ["undated-batch"]
    assert "30 more posts about it carry no date (undated-batch), so they are not in the score" in out.summary


def test_a_ranking_for_a_region_without_posts_says_where_the_posts_come_from(ctx, subjects):
    with pytest.raises(ToolError, match=r"None of the stored subjects has posts in Japan; their posts come from [^.]*\(\d") as err:
        hype_score(HypeScoreInput(region="Japan"), ctx)
    assert "Japan" not in (err.value.info.options or [])


def test_asked_what_people_complain_about_the_answer_leads_with_those_posts(ctx, subjects):
    """"What are people complaining about?" used to score the hype of a subject called "complaining"."""
    out = hype_score(HypeScoreInput(subject=subjects["flat1"], posts="negative"), ctx)
    d = out.data
    negative = d.voices["negative"]
    assert out.summary.startswith(f"What people complain about {subjects['flat1']} (") and "most engaged first: 1) “" in out.summary
    assert 0 < len(negative) <= 5 and all(p.label == "negative" for p in negative) and len({p.text for p in negative}) == len(negative)
    assert [p.engagement for p in negative] == sorted((p.engagement for p in negative), reverse=True)
    assert f"{round(d.sentiment.negative_share * d.posts):,} of {d.posts:,} posts" in out.summary
    praise = hype_score(HypeScoreInput(subject=subjects["flat1"], posts="positive"), ctx)  # the same snapshot, the other voices
    assert praise.summary.startswith(f"What people love about {subjects['flat1']}") and all(p.label == "positive" for p in praise.data.voices["positive"])
    plain = hype_score(HypeScoreInput(subject=subjects["flat1"]), ctx)
    assert not plain.summary.startswith("What people")
