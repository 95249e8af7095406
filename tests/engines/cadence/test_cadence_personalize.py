import pytest

from engines.cadence.personalize import Engagement, build_profile, event_weight, rerank


def test_action_weights_and_thirty_day_half_life():
    assert event_weight(Engagement("x", "purchase", 0)) == 10
    assert event_weight(Engagement("x", "view", 30)) == pytest.approx(0.5)
    assert event_weight(Engagement("x", "click", 0, in_session=True)) == 4
    assert event_weight(Engagement("x", "add_to_cart", 0, neighbour=True)) == 2.5


def test_rerank_lifts_matching_suggestions_only():
    profile = build_profile([Engagement("wooden train", "purchase", 1, category=2)])
    items = [("red dress", 1.0, 0), ("wooden train set", 0.8, 2), ("train ticket", 0.7, 1)]
    ranked = rerank(items, profile)
    assert ranked[0][0] == "wooden train set"
    assert dict((t, s) for t, s, _ in ranked)["red dress"] == 1.0  # no match, unchanged
    assert rerank(items, build_profile([])) == items  # unknown user: order unchanged


def test_old_views_weigh_less_than_fresh_purchases():
    profile = build_profile([Engagement("dress", "view", 200), Engagement("train", "purchase", 0)])
    assert profile.terms["train"] == 1.0 and profile.terms["dress"] < 0.01
