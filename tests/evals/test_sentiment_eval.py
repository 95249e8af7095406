"""The sentiment eval's file reader: labelled CSVs are checked before anything is trained."""
import pytest

from engines.hype.sentiment import MODEL_NAME
from engines.hype.transformer_sentiment import TRANSFORMER_NAME, FineTuneSettings
from evals.sentiment import read_labelled
from tests.tiny_bert import write_tiny_bert


def test_read_labelled_normalises_and_rejects_bad_labels(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text('text,label\n"great, thanks",Positive\n"",neutral\nlost bag, negative \n', encoding="utf-8")
    df = read_labelled(good)
    assert df["label"].tolist() == ["positive", "negative"] and df["text"][0] == "great, thanks"
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nok,neutral\nmeh,mixed\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="line 3 has label 'mixed'"):
        read_labelled(bad)
    with pytest.raises(SystemExit, match="missing column"):
        (tmp_path / "x.csv").write_text("body,label\na,neutral\n", encoding="utf-8")
        read_labelled(tmp_path / "x.csv")


def _data_dir(root):
    """A miniature data dir with every file the eval reads."""
    import pandas as pd

    texts = {"positive": ["love it", "great crew", "amazing seats", "thanks so much", "so happy"], "negative": ["lost my bag", "worst delay", "rude agent", "terrible food", "awful"],
             "neutral": ["what time", "gate number", "flight to boston", "check in where", "the schedule"]}
    rows = [(t, lab) for lab, ts in texts.items() for t in ts]
    (root / "sentiment").mkdir(parents=True)
    (root / "posts").mkdir()
    pd.DataFrame([(t, lab, src) for src in ("a", "b") for t, lab in rows], columns=["text", "label", "source"]).to_csv(root / "sentiment" / "train_multi.csv", index=False)
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(root / "sentiment" / "tweeteval_test.csv", index=False)
    pd.DataFrame({"tweet_id": [str(570306133677760513 + i) for i in range(len(rows))], "airline_sentiment": [lab for _, lab in rows],
                  "text": [f"@united {t}" for t, _ in rows], "tweet_created": "2015-02-24 11:35:52 -0800"}).to_csv(root / "posts" / "airline_tweets.csv", index=False)
    emotion = {"positive": "Positive emotion", "negative": "Negative emotion", "neutral": "No emotion toward brand or product"}
    pd.DataFrame({"tweet_text": [f"{t} #sxsw" for t, _ in rows], "emotion_in_tweet_is_directed_at": "iPad",
                  "is_there_an_emotion_directed_at_a_brand_or_product": [emotion[lab] for _, lab in rows]}).to_csv(root / "posts" / "sxsw_brand_emotions.csv", index=False, encoding="latin-1")
    return root


def test_one_run_reports_every_set_and_the_headline_last(settings, tmp_path, monkeypatch, capsys):
    import argparse

    import evals.sentiment as ev

    data = _data_dir(tmp_path / "data")
    monkeypatch.setattr(ev, "get_settings", lambda: settings.model_copy(update={"data_dir": data}))
    import memory.hype_sentiment

    monkeypatch.setattr(memory.hype_sentiment, "minilm_wordpieces", lambda: None)  # the linear part alone: fast (tests/engines/hype/test_wordpiece_cnn.py covers the CNN)
    import memory.hype_transformer as ht

    base = write_tiny_bert(tmp_path / "bert")
    monkeypatch.setattr(ht, "_base_dir", lambda: base)
    monkeypatch.setattr(ht, "recipe", lambda: FineTuneSettings(posts=30, batch=8, threads=1))
    extra = tmp_path / "brand.csv"
    extra.write_text("text,label\nlove it,positive\nawful,negative\nwhat time,neutral\n", encoding="utf-8")
    for file, headline, n in ((None, "TweetEval test", 15), (extra, str(extra), 3)):
        assert ev.run(argparse.Namespace(file=file, seed=0, fast_only=False)) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert all(any(line.startswith(name) for line in lines) for name in ("airline 20 % split", "SXSW 2011 brand posts", "TweetEval test"))
        # each set is scored as the hype path scores stored posts: the airline posts by v6 with their
        # source's expert, the others by the build's two-speed pass (trained here on the first run)
        assert any(line.startswith("airline 20 % split") and f"engine = {MODEL_NAME}, with its source's expert" in line for line in lines)
        assert any(line.startswith("SXSW 2011 brand posts") and f"engine = {TRANSFORMER_NAME}" in line for line in lines)
        assert any("not built: fine-tuning it now" in line for line in lines) == (file is None)
        assert lines[-2].startswith("sentiment macro-recall engine=") and lines[-2].endswith(f"({headline})")
        assert lines[-1].startswith("sentiment macro-F1 engine=") and lines[-1].endswith(f"(n={n})")


def test_fast_only_scores_every_set_with_the_fast_model(settings, tmp_path, monkeypatch, capsys):
    import argparse

    import evals.sentiment as ev
    import memory.hype_sentiment

    data = _data_dir(tmp_path / "data")
    monkeypatch.setattr(ev, "get_settings", lambda: settings.model_copy(update={"data_dir": data}))
    monkeypatch.setattr(memory.hype_sentiment, "minilm_wordpieces", lambda: None)
    assert ev.run(argparse.Namespace(file=None, seed=0, fast_only=True)) == 0
    out = capsys.readouterr().out
    assert TRANSFORMER_NAME not in out and f"SXSW 2011 brand posts (n=15; engine = {MODEL_NAME})" in out
