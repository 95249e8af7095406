"""Tool choice and follow-ups, without the graph."""
from __future__ import annotations

from agent.planner.arguments import Listed, PreviousCall
from agent.planner.decide import decide
from tools.registry import load_tools

NAMES = set(load_tools())


def test_cues_of_one_tool_inside_another_tools_words() -> None:
    assert decide("forecast demand for the sneakers we launch in March", None, None, NAMES).tool == "forecast_demand"
    assert decide("simulate a $129 launch in Europe in March vs May", None, None, NAMES).tool == "simulate_launch"
    assert decide("what should the search box suggest after 'wa'?", None, None, NAMES).tool == "suggest_queries"
    assert decide("find me wooden train sets under £20", None, None, NAMES).tool == "search_products"
    assert decide("alert me in #launches if Stanley goes over 80", None, None, NAMES).tool == "watch_hype"
    d = decide("alert #launches if Stanley stays above 70 for 3 days in a row", None, None, NAMES)
    assert d.tool == "watch_hype" and (d.args["subject"], d.args["threshold"], d.args["days_in_row"]) == ("Stanley", 70.0, 3)


def test_follow_up_changes_only_what_it_names() -> None:
    prev = PreviousCall("audience_affinity", {"audience": {"region": "North America", "age_max": 34}, "domain": "music"})
    d = decide("and in the UK?", prev, None, NAMES)
    assert d.tool == "audience_affinity" and d.followup
    assert d.args["audience"] == {"region": "United Kingdom", "age_max": 34} and d.args["domain"] == "music"


def test_follow_up_can_switch_tool_and_carry_the_subject() -> None:
    prev = PreviousCall("hype_score", {"subject": "Stanley cups", "window_days": 7})
    d = decide("ok watch it, ping #mktg above 70", prev, None, NAMES)
    assert d.tool == "watch_hype"
    assert d.args == {"action": "create", "subject": "Stanley cups", "threshold": 70.0, "direction": "above", "channel": "slack:#mktg"}
    d = decide("export that as a pdf", prev, None, NAMES)
    assert d.tool == "export_report" and d.args == {"format": "pdf"}


def test_missing_argument_asks_then_the_answer_fills_it() -> None:
    d = decide("simulate a launch at $99", None, None, NAMES)
    assert d.kind == "clarify" and d.tool == "simulate_launch" and "Which product" in (d.question or "")
    filled = decide("Cyberpunk Sneakers", None, d.pending, NAMES)
    assert filled.kind == "tool" and filled.args["product"] == "Cyberpunk Sneakers"
    assert filled.args["scenarios"][0]["price"] == 99.0


def test_help_and_greetings_call_no_tool() -> None:
    assert decide("what can you do?", None, None, NAMES).kind == "help"
    assert decide("thanks!", None, None, NAMES).kind == "greeting"


def test_how_a_product_will_do_with_an_audience_is_a_launch_question() -> None:
    d = decide("How will Cyberpunk Sneakers do with under-35s in North America?", None, None, NAMES)
    assert d.tool == "analyze_launch"
    assert d.args["product"] == "Cyberpunk Sneakers" and d.args["audience"] == {"region": "North America", "age_max": 34}
    d = decide("would a $45 scented candle sell to women 35-54 in the UK?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["price"] == 45.0
    assert d.args["audience"] == {"region": "United Kingdom", "age_min": 35, "age_max": 54, "gender": "female"}


def test_filler_words_are_not_arguments() -> None:
    d = decide("compare how millennials vs boomers feel about star wars", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["items"] == ["star wars"]
    assert decide("what am I tracking right now?", None, None, NAMES).args == {}
    d = decide("ping me if United's hype drops below 20", None, None, NAMES)
    assert d.args["subject"] == "United" and d.args["direction"] == "below"
    d = decide("what do women 55+ in the US like to eat?", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["domain"] == "food" and "seeds" not in d.args


def test_a_cancelled_region_is_dropped_and_brands_are_not_regions() -> None:
    prev = PreviousCall("hype_score", {"subject": "delta", "region": "Europe"})
    d = decide("forget region - what is the hype for delta overall", prev, None, NAMES)
    assert d.args["subject"] == "delta" and "region" not in d.args
    d = decide("whats trending more right now, united or american?", None, None, NAMES)
    assert d.tool == "hype_score" and d.args["subject"] == "united" and d.args["versus"] == ["american"] and "region" not in d.args
    later = decide("and delta?", PreviousCall("hype_score", d.args), None, NAMES)
    assert later.args["subject"] == "delta" and "region" not in later.args and "versus" not in later.args


def test_out_of_scope_requests_are_declined_without_a_tool() -> None:
    for text in ("write me a tweet announcing our new sneakers", "what's the weather in paris", "what's Nike's market share in running shoes?",
                 "translate our tagline into spanish"):
        assert decide(text, None, None, NAMES).kind == "decline", text
    prev = PreviousCall("hype_score", {"subject": "Delta"})
    assert decide("now write a press release about it", prev, None, NAMES).kind == "decline"


def test_a_watch_is_set_up_over_several_turns() -> None:
    asked = decide("watch stanley cups", None, None, NAMES)
    assert asked.kind == "clarify" and "score" in (asked.question or "")
    d = decide("above 70", None, asked.pending, NAMES)
    assert d.tool == "watch_hype" and d.args["action"] == "create" and d.args["threshold"] == 70.0
    failed = PreviousCall("watch_hype", d.args, ok=False)  # no channel known: the tool asked where to post
    d = decide("#brand", failed, None, NAMES)
    assert d.tool == "watch_hype" and d.args["channel"] == "slack:#brand" and d.args["action"] == "create"


def test_engagement_by_position_or_name_uses_the_last_list() -> None:
    listed = [Listed("P1", "Wireless earbuds pro"), Listed("P2", "Dinosaur puzzle 100 pieces"), Listed("P3", "Diecast hearse")]
    prev = PreviousCall("search_products", {"query": "earbuds"}, listed)
    d = decide("user u42 clicked the first one", prev, None, NAMES)
    assert d.tool == "record_engagement" and d.args == {"user_id": "u42", "action": "click", "item_id": "P1", "rank": 1, "query": "earbuds"}
    d = decide("u9 added the dinosaur puzzle to cart", prev, None, NAMES)
    assert d.args["item_id"] == "P2" and d.args["rank"] == 2 and d.args["action"] == "add_to_cart"
    assert decide("u9 bought the last one", prev, None, NAMES).args["item_id"] == "P3"


def test_a_new_forecast_target_replaces_the_threads_old_one() -> None:
    prev = PreviousCall("forecast_demand", {"product": "jigsaw puzzles", "horizon": 13, "frequency": "W"})
    d = decide("forecast the christmas lights category monthly for a year", prev, None, NAMES)
    assert d.args == {"category": "christmas lights", "horizon": 12, "frequency": "M"}
    assert decide("now SKU 85123A", PreviousCall("forecast_demand", d.args), None, NAMES).args == {"sku": "85123A", "horizon": 12, "frequency": "M"}


def test_which_one_wins_asks_for_the_last_answer_again_unchanged() -> None:
    scenarios = [{"price": 25.0, "region": "United Kingdom", "start": s, "label": s} for s in ("2027-01-01", "2027-06-01")]
    prev = PreviousCall("simulate_launch", {"product": "matcha drink", "scenarios": scenarios})
    for text in ("which one wins and why?", "so which is best?", "why?"):
        d = decide(text, prev, None, NAMES)
        assert (d.tool, d.args, d.followup) == ("simulate_launch", prev.args, True), text
    assert decide("why?", None, None, NAMES).kind != "tool"


def test_personas_for_it_after_a_simulation_keep_its_market_and_price() -> None:
    scenarios = [{"price": 25.0, "region": "United Kingdom", "start": s, "label": s} for s in ("2027-01-01", "2027-06-01")]
    d = decide("give me 3 personas for it", PreviousCall("simulate_launch", {"product": "matcha drink", "scenarios": scenarios}), None, NAMES)
    assert d.tool == "build_personas" and d.args == {"product": "matcha drink", "audience": {"region": "United Kingdom"}, "count": 3, "price": 25.0}


def test_what_people_search_after_a_quoted_prefix_is_autosuggest() -> None:
    prev = PreviousCall("search_products", {"query": "lego sets", "filters": {"max_price": 30.0}})
    d = decide('what do people search after "lego st"?', prev, None, NAMES)
    assert d.tool == "suggest_queries" and d.args["prefix"] == "lego st"


def test_verbs_and_prepositions_around_a_hype_subject_are_not_the_subject() -> None:
    for text, subject in [("test the hype of tesla", "tesla"), ("check the buzz around tesla", "tesla"), ("gauge sentiment on nike this month", "nike")]:
        assert decide(text, None, None, NAMES).args["subject"] == subject, text


def test_a_threshold_at_the_end_of_a_sentence_and_a_whenever_watch() -> None:
    d = decide("Please notify the #beverage-brand channel whenever hype for Kelp & Kin drops below 30.", None, None, NAMES)
    assert d.tool == "watch_hype" and (d.args["threshold"], d.args["direction"], d.args["channel"]) == (30.0, "below", "slack:#beverage-brand")


def test_an_event_after_at_is_the_posts_source_not_the_subject() -> None:
    d = decide("how do people feel about the iPad at SXSW?", None, None, NAMES)
    assert d.tool == "hype_score" and d.args == {"subject": "iPad", "source": "SXSW"}
    assert decide("what are people saying about Apple at SXSW?", None, None, NAMES).args == {"subject": "Apple", "source": "SXSW"}
    assert decide("hype on Nike at Christmas", None, None, NAMES).args == {"subject": "Nike"}  # a holiday is a time, not an event


def test_talk_around_a_launch_is_not_the_product() -> None:
    """Found by talking to the product: "we're thinking" and "both" were read as product names."""
    d = decide("we're thinking of launching a vegan protein bar at $3.50 in the UK in January - is that a good idea?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "vegan protein bar" and d.args["price"] == 3.5
    prev = PreviousCall("build_personas", {"product": "yoga mat", "audience": {"region": "North America"}, "count": 4, "price": 35.0})
    d = decide("what if we priced it at $25 instead — simulate both", prev, None, NAMES)
    assert d.tool == "simulate_launch" and d.args["product"] == "yoga mat"
    assert [(s["price"], s["region"]) for s in d.args["scenarios"]] == [(35.0, "North America"), (25.0, "North America")]


def test_comparing_with_another_subject_after_a_hype_score_adds_a_rival() -> None:
    prev = PreviousCall("hype_score", {"subject": "united airlines", "window_days": 30})
    d = decide("and how does that compare w/ american?", prev, None, NAMES)
    assert d.tool == "hype_score" and d.args == {"subject": "united airlines", "window_days": 30, "versus": ["american"]}
    assert decide("how does it stack up against Delta", prev, None, NAMES).args["versus"] == ["Delta"]
    d = decide("compare that with google", PreviousCall("hype_score", {"subject": "iPad 2"}), None, NAMES)  # asked which audiences, before
    assert d.tool == "hype_score" and d.args == {"subject": "iPad 2", "versus": ["google"]}
    assert decide("next to delta?", prev, None, NAMES).args["versus"] == ["delta"]


def test_set_an_alert_creates_one_and_set_the_alert_changes_it() -> None:
    assert decide("can u set an alert for me in #social if united drops under 30", None, None, NAMES).args["action"] == "create"
    assert decide("set the alert for united to 40", None, None, NAMES).args["action"] == "update"


def test_more_phrasings_found_by_talking_to_the_product() -> None:
    d = decide("run a launch sim for our $89 wireless earbuds in the US, Sept vs Nov", None, None, NAMES)
    assert d.args["product"] == "wireless earbuds" and [s["start"][5:7] for s in d.args["scenarios"]] == ["09", "11"]
    d = decide("which audience likes horror films more, teens or people in their late 20s?", None, None, NAMES)
    assert d.args == {"audiences": [{"age_min": 13, "age_max": 19}, {"age_min": 27, "age_max": 29}], "items": ["horror films"]}
    assert decide("and compared to Southwest?", PreviousCall("hype_score", {"subject": "Delta"}), None, NAMES).args == {"subject": "Delta", "versus": ["Southwest"]}


def test_compare_the_hype_of_two_subjects_scores_both() -> None:
    d = decide("compare the hype of Apple and Google at SXSW", None, None, NAMES)
    assert d.tool == "hype_score" and d.args == {"source": "SXSW", "subject": "Apple", "versus": ["Google"]}


def test_search_prices_are_shown_in_their_own_currency() -> None:
    from agent.planner.compose import numbered_rows
    from tools.formatting import price_label

    rows = numbered_rows({"results": [{"item_id": "or:1", "title": "LUNCH BAG", "price": 1.65, "currency": "GBP"}, {"item_id": "own:2", "title": "Mug", "price": 9.0}]})
    assert rows.splitlines() == ["1. LUNCH BAG — £1.65 (id or:1)", "2. Mug — 9.00 (id own:2)"]
    assert price_label(3.0, "CHF") == "3.00 CHF"


def test_a_hype_follow_up_that_points_back_keeps_its_subject() -> None:
    prev = PreviousCall("hype_score", {"subject": "delta", "window_days": 7})
    d = decide("is that good or bad compared to last month?", prev, None, NAMES)
    assert d.tool == "hype_score" and d.args["subject"] == "delta" and d.args["window_days"] == 30
    for turn in ("who's talking about them the most negatively?", "ok and make a chart of it", "show me some of the negative posts"):
        d = decide(turn, prev, None, NAMES)
        assert d.tool == "hype_score" and d.args["subject"] == "delta", turn
    assert decide("and what about Southwest?", prev, None, NAMES).args["subject"] == "Southwest"  # a named one still replaces it


def test_domain_words_and_audience_words_are_not_affinity_seeds() -> None:
    d = decide("I need to know which music genres resonate with men aged 25-34 in the US", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["domain"] == "music" and "seeds" not in d.args
    prev = PreviousCall("audience_affinity", d.args)
    d = decide("how about women same age?", prev, None, NAMES)
    assert d.args["audience"]["gender"] == "female" and d.args["audience"]["age_min"] == 25 and "seeds" not in d.args


def test_the_two_compares_the_threads_audiences_on_what_was_shown() -> None:
    men = {"region": "United States", "age_min": 25, "age_max": 34, "gender": "male"}
    women = {**men, "gender": "female"}
    prev = PreviousCall("audience_affinity", {"audience": women, "domain": "music"}, audiences=[men, women], shown_items=["Pop", "Rock", "Latino"])
    d = decide("what's different between the two", prev, None, NAMES)
    assert d.tool == "compare_audiences" and d.args == {"audiences": [men, women], "items": ["Pop", "Rock", "Latino"]}


def test_asking_for_the_assumptions_reruns_the_last_answer() -> None:
    prev = PreviousCall("forecast_demand", {"product": "regency cakestand", "horizon": 8})
    for turn in ("what are the assumptions behind that number?", "how did you calculate that", "what's that based on?", "compare that with the same period last year", "and yoy?"):
        d = decide(turn, prev, None, NAMES)
        assert d.tool == "forecast_demand" and d.args == prev.args, turn


def test_a_new_product_launching_in_a_season_is_forecast_from_then() -> None:
    from datetime import date

    d = decide("Estimate the demand for a new energy drink launching next spring in Europe", None, None, NAMES, today=date(2026, 12, 4))
    assert d.tool == "forecast_demand" and d.args["product"] == "energy drink" and d.args["country"] == "Europe" and d.args["launch"].startswith("2027-03")


def test_which_audience_to_target_is_a_launch_readout_of_the_product_sold() -> None:
    d = decide("Good morning! Our team sells premium yoga mats (~$89). Which audience should we target in Europe?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "yoga mats" and d.args["price"] == 89.0 and d.args["audience"] == {"region": "Europe"}


def test_smart_names_a_product_but_a_smart_move_is_a_judgement() -> None:
    assert decide("build me personas for a $149 smart ring in asia pacific", None, None, NAMES).args["product"] == "smart ring"
    d = decide("we're thinking of launching a smart speaker at $79, is that a smart move?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "smart speaker"


def test_searches_that_start_with_a_quoted_prefix_are_suggestions() -> None:
    d = decide('Hi caeser, I\'m the ecommerce lead at a homewares retailer. What do people search for that starts with "cand"?', None, None, NAMES)
    assert d.tool == "suggest_queries" and d.args["prefix"] == "cand"


def test_prices_in_pounds_ask_for_pounds() -> None:
    d = decide("what would happen if we priced the regency cakestand at £15 instead of £12 in the UK", None, None, NAMES)
    assert d.tool == "simulate_launch" and d.args["currency"] == "GBP" and [s["label"] for s in d.args["scenarios"]] == ["£15 · United Kingdom", "£12 · United Kingdom"]
    assert decide("simulate a $129 launch in Europe in March vs May", None, None, NAMES).args["currency"] == "USD"


def test_who_is_asking_is_not_what_they_ask_about() -> None:
    d = decide("As a brand manager at a toy company, what's the outlook for lego star wars sets this holiday season?", None, None, NAMES)
    assert d.tool == "forecast_demand" and d.args["product"] == "lego star wars sets"
    d = decide("we want to know if a 20 euro scented candle would appeal to French women 25 to 40", None, None, NAMES)
    assert d.tool == "analyze_launch" and (d.args["product"], d.args["price"], d.args["currency"]) == ("scented candle", 20.0, "EUR")
    assert decide("as a marketer I want hype on delta", None, None, NAMES).args["subject"] == "delta"


def test_which_persona_to_target_first_answers_from_the_personas_again() -> None:
    prev = PreviousCall("build_personas", {"product": "tea towel", "count": 3, "price": 12.0, "currency": "GBP"})
    d = decide("which persona should we target first and why", prev, None, NAMES)
    assert d.tool == "build_personas" and d.args == prev.args


def test_better_or_worse_than_adds_a_rival_and_which_age_groups_compares_every_band() -> None:
    prev = PreviousCall("hype_score", {"subject": "jetblue", "window_days": 7})
    d = decide("is that better or worse than southwest", prev, None, NAMES)
    assert d.tool == "hype_score" and d.args["subject"] == "jetblue" and d.args["versus"] == ["southwest"]
    d = decide("which age groups in the US love steak the most", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["items"] == ["steak"] and len(d.args["audiences"]) == 6
    assert d.args["audiences"][0] == {"age_min": 18, "age_max": 24, "region": "United States"}


def test_a_reply_of_values_to_a_question_amends_the_call_and_asks_again() -> None:
    d = decide("simulate a $129 launch in Europe in March vs May", None, None, NAMES)
    assert d.kind == "clarify" and "Which product" in (d.question or "")
    again = decide("try it at $99", None, d.pending, NAMES)
    assert again.kind == "clarify" and "Which product" in (again.question or "") and again.pending is not None
    assert [sc["price"] for sc in again.pending.args["scenarios"]] == [99.0, 99.0]
    done = decide("Cyberpunk Sneakers", None, again.pending, NAMES)
    assert done.kind == "tool" and done.args["product"] == "Cyberpunk Sneakers" and len(done.args["scenarios"]) == 2


def test_trending_needs_no_subject_and_drops_the_threads_one() -> None:
    for text in ("what's trending right now?", "which brands are trending this week?", "hype leaderboard for the last 3 days", "what's hot?"):
        d = decide(text, None, None, NAMES)
        assert d.kind == "tool" and d.tool == "hype_score" and "subject" not in d.args, text
    assert decide("hype leaderboard for the last 3 days", None, None, NAMES).args["window_days"] == 3
    d = decide("and what's trending overall?", PreviousCall("hype_score", {"subject": "jetblue", "window_days": 7}), None, NAMES)
    assert d.tool == "hype_score" and "subject" not in d.args
    assert decide("is jetblue trending?", None, None, NAMES).args["subject"] == "jetblue"


def test_asking_about_the_extremes_of_the_last_answer_reasks_it() -> None:
    ranking = PreviousCall("hype_score", {"window_days": 7})
    d = decide("ok which of those has the worst sentiment", ranking, None, NAMES)
    assert d.tool == "hype_score" and d.args == {"window_days": 7}
    forecast = PreviousCall("forecast_demand", {"sku": "85123A", "horizon": 8, "frequency": "W"})
    for text in ("what would be the worst case number?", "and the best case?", "what's the downside?"):
        d = decide(text, forecast, None, NAMES)
        assert d.tool == "forecast_demand" and d.args == forecast.args, text


def test_compare_that_with_one_audience_compares_it_with_the_one_just_shown() -> None:
    prev = PreviousCall("audience_affinity", {"audience": {"region": "Brazil", "age_min": 18, "age_max": 29}, "domain": "music"},
                        audiences=[{"region": "Brazil", "age_min": 18, "age_max": 29}], shown_items=["Rock", "Pop"])
    d = decide("compare that with gen z in japan", prev, None, NAMES)
    assert d.tool == "compare_audiences" and [a["region"] for a in d.args["audiences"]] == ["Brazil", "Japan"] and d.args["items"] == ["Rock", "Pop"]


def test_greetings_introductions_and_listening_are_read_as_who_asks_and_what_about() -> None:
    d = decide("Guten Tag. I am working for a cosmetic retailer in Germany. Which beauty brands like the young women in Germany?", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["seeds"] == ["beauty"] and d.args["domain"] == "brands"
    assert d.args["audience"] == {"region": "Germany", "age_min": 18, "age_max": 34, "gender": "female"}
    d = decide("what do gen z in brazil listen to", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["domain"] == "music" and "seeds" not in d.args


def test_what_an_audience_thinks_of_a_thing_is_set_against_everyone() -> None:
    d = decide("what do millennials in texas think of steak?", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["items"] == ["steak"]
    assert d.args["audiences"][0]["region"] == "West South Central" and d.args["audiences"][1:] == [{"region": "West South Central"}]
    d = decide("how much do women in the US like star wars?", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["audiences"] == [{"region": "United States", "gender": "female"}, {"region": "United States"}]
    d = decide("Can you give me a quick read on how Gen Z in the UK feels about sustainable fashion?", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["items"] == ["sustainable fashion"] and d.args["audiences"][1] == {"region": "United Kingdom"}
    assert decide("how do people in Germany feel about beer?", None, None, NAMES).args["audiences"] == [{"region": "Germany"}, {}]


def test_a_launch_asked_in_one_month_or_another_compares_both_and_states_read_as_us_regions() -> None:
    d = decide("Should we launch the Nimbus e-bike in Germany at €2,400 in March or wait until May?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "Nimbus e-bike" and [s[5:7] for s in d.args["starts"]] == ["03", "05"]
    d = decide("how would a $38 vitamin c serum do with women 25-34 in california", None, None, NAMES)
    assert d.args["audience"]["region"] == "Pacific" and d.args["product"] == "vitamin c serum"
    prev = PreviousCall("analyze_launch", {"product": "vitamin c serum", "price": 38.0})
    assert decide("who should we target first?", prev, None, NAMES).args == prev.args


def test_a_lower_case_event_a_quick_q_and_a_carried_currency() -> None:
    d = decide("hi there! I'm the social lead at a sneaker brand. quick q - what's the buzz on apple vs google at sxsw? 2 bullets pls", None, None, NAMES)
    assert d.tool == "hype_score" and (d.args["subject"], d.args["versus"], d.args["source"]) == ("apple", ["google"], "sxsw") and d.style is not None
    prev = PreviousCall("simulate_launch", {"product": "handmade soap", "currency": "GBP", "scenarios": [{"price": 6.0, "region": "United Kingdom"}]})
    d = decide("who buys it?", prev, None, NAMES)
    assert d.tool == "build_personas" and (d.args["price"], d.args["currency"]) == (6.0, "GBP")


def test_top_searches_for_a_word_are_its_completions() -> None:
    d = decide("show me the top searches for yoga", None, None, NAMES)
    assert d.tool == "suggest_queries" and d.args["prefix"] == "yoga"
    assert decide("what are the top searches this month?", None, None, NAMES).tool == "shopper_analytics"


def test_a_preface_before_a_colon_is_not_a_product_description() -> None:
    d = decide("hey caeser, quick one: forecast christmas decorations for the holidays", None, None, NAMES)
    assert d.tool == "forecast_demand" and d.args["product"] == "christmas decorations"
    d = decide("forecast a new product: a light waterproof trail running shoe for rainy autumn runs", None, None, NAMES)
    assert "description" in d.args
    assert "subject" not in decide("trending this week in the US?", None, None, NAMES).args


def test_changing_a_watch_to_a_bare_number_sets_its_threshold() -> None:
    prev = PreviousCall("watch_hype", {"action": "create", "subject": "virgin america", "threshold": 45.0, "direction": "below", "channel": "slack:#social"})
    d = decide("change it to 40", prev, None, NAMES)
    assert d.tool == "watch_hype" and (d.args["action"], d.args["threshold"], d.args["subject"]) == ("update", 40.0, "virgin america")


def test_trending_at_an_event_ranks_that_events_subjects() -> None:
    d = decide("what's trending at sxsw?", None, None, NAMES)
    assert d.kind == "tool" and d.args == {"source": "sxsw"}


def test_what_will_sell_best_asks_which_product_rather_than_forecasting_a_word() -> None:
    d = decide("what will sell best next month?", None, None, NAMES)
    assert d.kind == "clarify" and d.tool == "forecast_demand"


def test_how_a_subject_is_looking_or_shaping_up_is_not_part_of_its_name() -> None:
    assert decide("Olá! How is the hype for Nike looking?", None, None, NAMES).args["subject"] == "Nike"
    d = decide("fcast 85123a 8wks", PreviousCall("hype_score", {"subject": "apple", "window_days": 7}), None, NAMES)
    assert d.tool == "forecast_demand" and d.args["sku"] == "85123A" and d.args["horizon"] == 8


def test_several_skus_get_a_forecast_each_and_which_one_reruns_them_all() -> None:
    d = decide("forecast 84879 and 22423 for next quarter", None, None, NAMES)
    assert d.tool == "forecast_demand" and d.args["sku"] == "84879" and [a["sku"] for a in d.also] == ["22423"]
    assert d.also[0]["horizon"] == d.args["horizon"] == 13
    prev = PreviousCall("forecast_demand", d.also[0], also=[d.args])
    again = decide("which one grows more?", prev, None, NAMES)
    assert again.tool == "forecast_demand" and [again.args["sku"], *(a["sku"] for a in again.also)] == ["84879", "22423"]


def test_what_an_audience_cares_about_is_an_open_taste_question() -> None:
    d = decide("what do Gen X women in the UK care about? give me 5 bullets", None, None, NAMES)
    assert d.tool == "audience_affinity" and "seeds" not in d.args and d.args["audience"]["gender"] == "female"


def test_an_audience_named_in_part_keeps_the_rest_of_the_one_just_shown() -> None:
    women = {"region": "United Kingdom", "age_min": 46, "age_max": 61, "gender": "female"}
    prev = PreviousCall("audience_affinity", {"audience": women}, audiences=[women], shown_items=["Han Solo"])
    d = decide("how does that differ from men their age?", prev, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["audiences"] == [women, {**women, "gender": "male"}]


def test_the_ad_a_persona_is_targeted_with_is_not_the_product() -> None:
    prev = PreviousCall("simulate_launch", {"product": "pumpkin spice oat latte", "scenarios": [{"price": 5.75, "region": "Pacific"}], "currency": "USD"})
    d = decide("which persona should the first ad target?", prev, None, NAMES)
    assert d.tool == "build_personas" and d.args["product"] == "pumpkin spice oat latte" and d.args["audience"] == {"region": "Pacific"}


def test_where_the_data_comes_from_is_answered_and_these_numbers_means_the_last_answer() -> None:
    assert decide("are these numbers real? where does your data come from?", None, None, NAMES).kind == "sources"
    assert decide("what data do you use?", None, None, NAMES).kind == "sources"
    prev = PreviousCall("hype_score", {"subject": "Apple"})
    d = decide("where do these numbers come from?", prev, None, NAMES)
    assert d.tool == "hype_score" and d.style is not None and d.style.kind == "method"


def test_a_greeting_and_what_the_asker_sells_are_not_the_question() -> None:
    d = decide("Konnichiwa. My company sells matcha snacks. Do people in Japan like sweets?", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["seeds"] == ["sweets"] and d.args["audience"] == {"region": "Japan"}
    d = decide("Our brand makes vegan wallets at £45. How will they do with gen z in the UK?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "vegan wallets" and (d.args["price"], d.args["currency"]) == (45.0, "GBP")
    d = decide("We sell candles on Etsy. how many should I stock for the next 8 weeks?", None, None, NAMES)
    assert d.tool == "forecast_demand" and d.args["product"] == "candles" and d.args["horizon"] == 8


def test_the_top_one_of_a_ranking_is_its_first_subject() -> None:
    prev = PreviousCall("hype_score", {}, listed=[Listed("American", "American"), Listed("JetBlue", "JetBlue")])
    d = decide("tell me more about the top one", prev, None, NAMES)
    assert d.tool == "hype_score" and d.args["subject"] == "American"


def test_how_sure_and_growing_or_shrinking_are_about_the_last_answer() -> None:
    prev = PreviousCall("forecast_demand", {"product": "white hanging heart t-light holder", "horizon": 3, "frequency": "M"})
    d = decide("is that growing or shrinking?", prev, None, NAMES)
    assert d.tool == "forecast_demand" and d.args == prev.args and d.followup
    d = decide("how sure are you about that?", prev, None, NAMES)
    assert d.tool == "forecast_demand" and d.style is not None and d.style.kind == "method"


def test_seasons_compared_after_a_simulation_are_its_scenarios_not_audiences() -> None:
    prev = PreviousCall("simulate_launch", {"product": "phone case", "scenarios": [{"price": 24.0, "region": "Germany"}, {"price": 24.0, "region": "France"}], "currency": "USD"})
    d = decide("ok and in spring vs autumn?", prev, None, NAMES)
    assert d.tool == "simulate_launch" and {(sc["region"], sc["start"][5:7]) for sc in d.args["scenarios"]} == {(r, m) for r in ("Germany", "France") for m in ("03", "09")}


def test_we_sell_introduces_the_asker_and_a_one_line_summary_is_a_style() -> None:
    d = decide("Annyeong! We sell cushion compacts. What do young women in Korea like?", None, None, NAMES)
    assert d.tool == "audience_affinity" and "seeds" not in d.args and d.args["audience"]["region"] == "South Korea"
    d = decide("give me the one-line summary of how American Airlines is doing online", None, None, NAMES)
    assert d.tool == "hype_score" and d.args["subject"] == "American Airlines" and d.style is not None and d.style.kind == "short"


def test_parents_are_who_buys_not_the_product_and_the_price_question_reads_the_last_readout() -> None:
    d = decide("Bonjour! We make organic baby food. How would it do with parents in France?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "organic baby food" and d.args["audience"] == {"region": "France"}
    again = decide("what price should we charge?", PreviousCall("analyze_launch", d.args), None, NAMES)
    assert again.tool == "analyze_launch" and again.args == d.args


def test_people_of_a_country_sports_and_hype_verdict_words() -> None:
    d = decide("what do brits think of pumpkin pie?", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["audiences"][0] == {"region": "United Kingdom"} and d.args["items"] == ["pumpkin pie"]
    d = decide("which sports do gen z like?", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["domain"] == "hobbies" and "seeds" not in d.args
    d = decide("is stanley hype real or fading?", None, None, NAMES)
    assert d.tool == "hype_score" and d.args == {"subject": "stanley"}


def test_a_role_here_introduces_the_asker() -> None:
    d = decide("hey, gaming PM here. what music do gamers like?", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args["seeds"] == ["gamers"] and d.args["domain"] == "music"
    assert decide("CMO here: forecast 85123A", None, None, NAMES).args == {"sku": "85123A"}


def test_a_watch_named_with_a_word_before_it_is_a_product() -> None:
    d = decide("I'm the brand director at a luxury watch company. How will a $4,500 dive watch do with men over 40 in the US?", None, None, NAMES)
    assert d.tool == "analyze_launch" and d.args["product"] == "dive watch" and d.args["price"] == 4500.0
    assert decide("how is the Apple Watch hype?", None, None, NAMES).args["subject"] == "Apple Watch"
    d = decide("watch apple, ping #mktg above 70", None, None, NAMES)
    assert d.tool == "watch_hype" and d.args["subject"] == "apple"
    assert "domain" not in decide("pet brand here. do dog owners in the US like hiking?", None, None, NAMES).args


def test_seasons_south_of_the_equator_are_six_months_on() -> None:
    from datetime import date

    d = decide("G'day! Surf brand here. Simulate a $89 wetsuit in Australia, summer vs winter launch", None, None, NAMES, today=date(2026, 12, 5))
    assert d.tool == "simulate_launch" and d.args["product"] == "wetsuit"
    assert sorted(sc["start"] for sc in d.args["scenarios"]) == ["2026-12-01", "2027-06-01"]  # summer: December; winter: June
    summer = decide("simulate a $89 wetsuit in Australia for summer", None, None, NAMES, today=date(2026, 12, 5))
    assert [sc["start"] for sc in summer.args["scenarios"]] == ["2026-12-01"]
    assert [sc["start"] for sc in decide("simulate a $89 wetsuit in the US for summer", None, None, NAMES, today=date(2026, 12, 5)).args["scenarios"]] == ["2027-06-01"]


def test_which_of_those_both_love_sets_the_two_audiences_side_by_side() -> None:
    millennials, boomers = {"region": "United States", "age_min": 30, "age_max": 45}, {"region": "United States", "age_min": 62, "age_max": 80}
    prev = PreviousCall("audience_affinity", {"audience": boomers, "domain": "food"}, audiences=[millennials, boomers], shown_items=["Italy cuisine", "France cuisine"])
    d = decide("which of those do both love most?", prev, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["audiences"] == [millennials, boomers] and d.args["items"] == ["Italy cuisine", "France cuisine"]
    d = decide("we want to sell a $35 candle gift set in the UK in November. simulate it", None, None, NAMES)
    assert d.tool == "simulate_launch" and d.args["product"] == "candle gift set"


def test_how_people_feel_about_two_brands_is_a_side_by_side_not_a_subject_called_feel() -> None:
    d = decide("I'm a travel marketer. how do people feel about JetBlue vs Delta this week?", None, None, NAMES)
    assert d.tool == "hype_score" and (d.args["subject"], d.args["versus"], d.args["window_days"]) == ("JetBlue", ["Delta"], 7)


def test_a_priced_product_in_two_markets_is_a_simulation_not_an_audience_comparison() -> None:
    d = decide("what would a $60 smartwatch band do in canada vs mexico?", None, None, NAMES)
    assert d.tool == "simulate_launch" and d.args["product"] == "smartwatch band"
    assert [(sc["price"], sc["region"]) for sc in d.args["scenarios"]] == [(60.0, "Canada"), (60.0, "Mexico")]


def test_product_groups_listed_with_and_get_a_forecast_each_but_one_name_stays_one() -> None:
    d = decide("Hi there, I'm a buyer at a homeware chain. Forecast candles and christmas decorations for the next 8 weeks", None, None, NAMES)
    assert d.tool == "forecast_demand" and d.args["product"] == "candles" and [a["product"] for a in d.also] == ["christmas decorations"]
    assert d.args["horizon"] == d.also[0]["horizon"] == 8  # "christmas decorations" are goods, not a date
    d = decide("forecast black and white mugs", None, None, NAMES)
    assert d.args["product"] == "black and white mugs" and not d.also


def test_more_than_between_two_places_compares_them() -> None:
    d = decide("Guten Tag. We import German wine. Do people in the UK drink more wine than Germans?", None, None, NAMES)
    assert d.tool == "compare_audiences" and d.args["audiences"] == [{"region": "United Kingdom"}, {"region": "Germany"}] and d.args["items"] == ["wine"]


def test_best_sellers_ask_what_to_forecast_and_more_introductions_say_who_is_asking() -> None:
    for text in ("what are the top sellers this month?", "what sells best in December?"):
        d = decide(text, None, None, NAMES)
        assert d.kind == "clarify" and d.tool == "forecast_demand" and "forecast" in (d.question or "")
    d = decide("I run marketing for an online school. what hobbies do students like?", None, None, NAMES)
    assert d.tool == "audience_affinity" and d.args == {"audience": {"age_min": 18, "age_max": 24}, "domain": "hobbies"}
    d = decide("I'm at a hotel chain. what's trending?", None, None, NAMES)
    assert d.tool == "hype_score" and "subject" not in d.args


def test_what_people_complain_about_or_love_asks_for_those_posts() -> None:
    """After a hype answer "what are people complaining about?" scored a subject called "complaining"."""
    prev = PreviousCall("hype_score", {"subject": "JetBlue"})
    assert decide("what are people complaining about?", prev, None, NAMES).args == {"subject": "JetBlue", "posts": "negative"}
    assert decide("what do people love about it?", prev, None, NAMES).args == {"subject": "JetBlue", "posts": "positive"}
    assert decide("what's wrong with United?", None, None, NAMES).args == {"subject": "United", "posts": "negative"}
    assert decide("show me the negative tweets about Delta", None, None, NAMES).args == {"subject": "Delta", "posts": "negative"}
    assert decide("what do gen z love?", None, None, NAMES).tool == "audience_affinity"
    assert decide("what do people at sxsw love about the ipad?", None, None, NAMES).args == {"source": "sxsw", "subject": "ipad", "posts": "positive"}


def test_more_follow_ups_found_by_talking_to_the_product() -> None:
    """Each of these went wrong before: a search's cheapest asked for a hype score of "cheapest", a
    second SKU asked which user, a founder's introduction became seed items, the worst thing people
    say scored the hype alone."""
    search = PreviousCall("search_products", {"query": "wooden train set", "filters": {"max_price": 30.0}})
    assert decide("which one is cheapest?", search, None, NAMES).args == {**search.args, "sort": "price_low"}
    assert decide("what's the most expensive one?", search, None, NAMES).args["sort"] == "price_high"
    forecast = PreviousCall("forecast_demand", {"sku": "21212", "horizon": 6, "frequency": "W"})
    d = decide("compare it with 84991", forecast, None, NAMES)
    assert d.tool == "forecast_demand" and d.args == forecast.args and d.also == [{**forecast.args, "sku": "84991"}]
    assert decide("and 84991?", forecast, None, NAMES).also == []  # a new SKU on its own replaces the last one
    d = decide("hey! founder of a gen-z skincare brand. what do 18-24 year old women in the UK love?", None, None, NAMES)
    assert d.args == {"audience": {"region": "United Kingdom", "age_min": 18, "age_max": 24, "gender": "female"}}
    hype = PreviousCall("hype_score", {"subject": "American Airlines"})
    assert decide("what's the worst thing people say about them?", hype, None, NAMES).args == {"subject": "American Airlines", "posts": "negative"}


def test_short_follow_ups_about_posts_windows_and_extremes() -> None:
    complaints = PreviousCall("hype_score", {"subject": "American Airlines", "posts": "negative"})
    assert decide("and the nicest?", complaints, None, NAMES).args == {"subject": "American Airlines", "posts": "positive"}  # used to score "nicest"
    assert decide("hype on Delta vs United, 30 days", None, None, NAMES).args == {"subject": "Delta", "versus": ["United"], "window_days": 30}
    simulation = PreviousCall("simulate_launch", {"product": "x", "scenarios": [{"price": 5}]})
    assert decide("and the worst?", simulation, None, NAMES).args == simulation.args  # used to simulate a product called "worst"


def test_pointing_at_a_row_of_the_last_search_reads_that_row() -> None:
    """"Tell me more about the second one" after a search scored the hype of the product's title."""
    from agent.planner.arguments import Listed

    search = PreviousCall("search_products", {"query": "red lunch bag"}, [Listed("or:20725", "LUNCH BAG RED RETROSPOT"), Listed("or:23681", "LUNCH BAG RED VINTAGE DOILY")])
    d = decide("tell me more about the second one", search, None, NAMES)
    assert d.tool == "search_products" and d.args == {"query": "LUNCH BAG RED VINTAGE DOILY", "k": 1}
    assert decide("what's the hype on the second one?", search, None, NAMES).tool == "hype_score"  # a tool named still wins
