from engines.cadence.text import clean_title, document_frequency, normalize_prefix, normalize_query, split_last_word, summarize_title


def test_normalisation_keeps_a_finished_word_only_for_prefixes():
    assert normalize_query("  Harry   POTTER ") == "harry potter"
    assert normalize_prefix("Harry ") == "harry "
    assert normalize_prefix("   ") == ""
    assert split_last_word("harry po") == ("harry ", "po")
    assert split_last_word("harry ") == ("harry ", "")


def test_clean_title_drops_brackets_and_punctuation():
    assert clean_title("Alisha Solid Women's Cycling Shorts (Pack of 3)!!") == "alisha solid women's cycling shorts"


def test_summary_drops_rare_ids_and_common_words():
    titles = [f"wooden train set {i} for kids abc{i}" for i in range(50)] + [f"red dress size {i} for women" for i in range(50)]
    titles += [f"other item {i} for sale" for i in range(1000)]
    cleaned = [clean_title(t) for t in titles]
    df = document_frequency(cleaned)
    phrase = summarize_title(cleaned[0], df, len(cleaned))
    assert phrase == "wooden train set kids"  # "for" is too common, "abc0" too rare, "0" a number


def test_function_words_never_end_up_in_a_phrase_or_a_category_name() -> None:
    """However rare "the" or "of" is in a catalog, "lego star wars the" and "dice of" read as broken."""
    from engines.cadence.categories import name_clusters

    titles = ["lego star wars the force awakens"] + [f"lego star wars {w} set" for w in ("destroyer", "shuttle", "palace")] + [f"plain {w} mug" for w in "abcdefghijklmnopqrstu"]
    df = document_frequency(titles)
    phrase = summarize_title(titles[0], df, len(titles), min_df=1, max_share=1.0)  # "the" is as rare as "force" here
    assert "the" not in phrase.split() and len(phrase.split()) == 4
    names = name_clusters(["dice of fate", "dice of doom", "bag of dice"], [0, 0, 0])
    assert "of" not in names[0].split()
