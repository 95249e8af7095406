"""The sentiment eval's file reader: labelled CSVs are checked before anything is trained."""
import pytest

from evals.sentiment import read_labelled


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
