import argparse
import gzip
import re

from evals import autosuggest


def test_read_log_drops_header_and_blanks(tmp_path):
    path = tmp_path / "log.txt.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("Query\nHarry  Potter\n\nred dress\n")
    assert autosuggest.read_log(path) == ["harry potter", "red dress"]


def test_prefixes_keep_two_typed_and_one_left_and_are_seeded():
    queries = ["ab", "abc", "harry potter"] * 50
    pairs = autosuggest.sample_prefixes(queries, seed=3)
    assert len(pairs) == 100  # "ab" is too short to leave a character
    assert all(2 <= len(p) <= len(q) - 1 and q.startswith(p) for p, q in pairs)
    assert pairs == autosuggest.sample_prefixes(queries, seed=3)


def test_run_prints_table_and_one_headline(tmp_path, capsys):
    words = ["red", "dress", "shoes", "train", "wooden", "toy", "blue", "hat"]
    lines = [f"{words[i % 8]} {words[(i * 3) % 8]}" for i in range(400)]
    path = tmp_path / "log.txt"
    path.write_text("\n".join(lines))
    parser = argparse.ArgumentParser()
    autosuggest.add_arguments(parser)
    args = parser.parse_args(["--file", str(path), "--lm", "--hidden", "16", "--max-steps", "5", "--beam", "2"])
    assert autosuggest.run(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"autosuggest \(suggest_queries\) MRR@10 shipped=\d\.\d{3} mpc=\d\.\d{3} mpc_lw=\d\.\d{3} unseen-success@10=(\d\.\d{3}|nan) \(n=40\)", out[-1])
    assert all(any(line.startswith(name) for line in out) for name in ("shipped", "mpc_lw", "lm"))


def test_index_mode_scores_the_shipped_index_parts_on_held_out_queries(settings, tmp_path, capsys, monkeypatch):
    from memory.build.cadence_index import summarize_catalog
    from memory.catalog import read_catalog, save_products
    from tests.cadence_data import write_small_data

    small = settings.model_copy(update={"data_dir": write_small_data(tmp_path / "data")})
    monkeypatch.setattr("evals.autosuggest_index.get_settings", lambda: small)
    parser = argparse.ArgumentParser()
    autosuggest.add_arguments(parser)
    args = parser.parse_args(["--index", "--no-neural"])
    assert autosuggest.run(args) == 2  # no built catalog yet: a sentence, not a traceback
    records = read_catalog(small.data_dir)
    save_products(small, records, summarize_catalog([r.title for r in records]), [0] * len(records))
    assert autosuggest.run(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"autosuggest index MRR@10 popularity=\d\.\d{3} default=\d\.\d{3} \(n=\d+ unseen shipped queries\)", out[-1])
    rows = {line.split()[0]: line.split() for line in out if line.split()[0] in ("popularity", "default")}
    assert int(rows["default"][1].replace(",", "")) > int(rows["popularity"][1].replace(",", ""))  # catalog queries added
