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
