"""Loaders: quirk handling on tiny files written here, and the README's numbers on the real data."""
from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from memory import datadir
from memory.datadir import DataFileMissing


def write(root: Path, relative: str, data: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


AIRLINE_HEADER = b"tweet_id,airline_sentiment,airline,text,tweet_created\r\n"


def test_missing_file_names_file_and_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(DataFileMissing) as err:
        datadir.load_drinks(tmp_path)
    assert "affinity/drinks.csv" in str(err.value)
    assert "caeser data fetch fivethirtyeight" in str(err.value)


def test_airline_keeps_18_digit_ids_dedupes_first_and_strips_crlf(tmp_path: Path) -> None:
    write(tmp_path, "posts/airline_tweets.csv", AIRLINE_HEADER
          + b'570306133677760513,neutral,United,"two\r\nlines",2015-02-24 11:35:52 -0800\r\n'
          + b"570306133677760513,negative,United,dup,2015-02-24 11:35:52 -0800\r\n"
          + b"570301130888122368,positive,Delta,hi,2015-02-16 23:36:05 -0800\r\n")
    df = datadir.load_airline_tweets(tmp_path)
    assert list(df["tweet_id"]) == ["570306133677760513", "570301130888122368"]
    assert df.loc[0, "airline_sentiment"] == "neutral"
    assert df.loc[0, "text"] == "two\nlines"
    assert df.loc[1, "created_at"] == pd.Timestamp("2015-02-17 07:36:05", tz="UTC")


def test_sxsw_reads_latin1(tmp_path: Path) -> None:
    write(tmp_path, "posts/sxsw_brand_emotions.csv",
          "tweet_text,emotion_in_tweet_is_directed_at,is_there_an_emotion_directed_at_a_brand_or_product\r\ncaf\xe9 #SXSW,iPad,Positive emotion\r\n".encode("latin-1"))
    assert datadir.load_sxsw_posts(tmp_path).loc[0, "tweet_text"] == "caf\xe9 #SXSW"


def test_flipkart_category_path_parsed(tmp_path: Path) -> None:
    write(tmp_path, "catalog/flipkart_products.csv",
          b'uniq_id,product_name,product_category_tree\n1,Shorts,"[""Clothing >> Women\'s >> Shorts""]"\n2,Odd,not a list\n')
    df = datadir.load_flipkart(tmp_path)
    assert df.loc[0, "category_path"] == ["Clothing", "Women's", "Shorts"]
    assert df.loc[1, "category_path"] == ["not a list"]


def test_flipkart_titles_are_the_full_loaders_names(tmp_path: Path) -> None:
    write(tmp_path, "catalog/flipkart_products.csv", b'uniq_id,product_name,product_category_tree\n1,"Mug, red","[""A""]"\n2,,"[""A""]"\n')
    assert datadir.load_flipkart_titles(tmp_path).equals(datadir.load_flipkart(tmp_path)["product_name"])


def test_catalog_titles_merge_dedupe_and_drop_empty(tmp_path: Path) -> None:
    write(tmp_path, "catalog/flipkart_products.csv", b'uniq_id,product_name,product_category_tree\n1,Mug ,"[""A""]"\n2,Lamp,"[""A""]"\n')
    write(tmp_path, "catalog/amazon_uk_toys.csv", b"uniq_id,product_name,price\r\n9,Lamp,1.0\r\n8, ,2.0\r\n")
    write(tmp_path, "sales/online_retail_daily.csv.gz", gzip.compress(
        b"date,stock_code,description,country,quantity,revenue,invoices,customers\n"
        b"2010-12-01,85123A,HEART HOLDER,UK,1,2.55,1,1\n2010-12-01,POST,,UK,1,1.0,1,1\n"))
    assert datadir.load_catalog_titles(tmp_path) == ["Mug", "Lamp", "HEART HOLDER"]


def test_aol_drops_header_keeps_order_and_repeats(tmp_path: Path) -> None:
    write(tmp_path, "queries/aol_100k.txt.gz", gzip.compress(b"Query\nb\na\nb\n"))
    assert datadir.load_aol_queries(tmp_path) == ["b", "a", "b"]


def test_wands_is_tab_separated_and_marketing_dates_are_day_first(tmp_path: Path) -> None:
    write(tmp_path, "queries/wands_queries.csv", b"query_id\tquery\tquery_class\n0\tsalon chair, black\tChairs\n")
    assert datadir.load_wands_queries(tmp_path).loc[0, "query"] == "salon chair, black"
    write(tmp_path, "personas/marketing_campaign.csv", b"ID\tIncome\tDt_Customer\n1\t\t04-09-2012\n")
    df = datadir.load_marketing_campaign(tmp_path)
    assert df.loc[0, "Dt_Customer"] == pd.Timestamp("2012-09-04") and pd.isna(df.loc[0, "Income"])


def test_two_row_header_joins_sub_labels_and_drops_response(tmp_path: Path) -> None:
    write(tmp_path, "affinity/StarWars.csv", "RespondentID,Seen?,Which films?,,Favourite\n,Response,Episode I,Episode II,Han\n7,Yes,Episode I,,Very favorably\n".encode("mac_roman"))
    df = datadir.load_star_wars(tmp_path)
    assert list(df.columns) == ["RespondentID", "Seen?", "Which films? | Episode I", "Which films? | Episode II", "Favourite | Han"]
    assert len(df) == 1 and df.loc[0, "RespondentID"] == 7


def test_online_retail_daily_keeps_stock_codes_as_text(tmp_path: Path) -> None:
    write(tmp_path, "sales/online_retail_daily.csv.gz", gzip.compress(
        b"date,stock_code,description,country,quantity,revenue,invoices,customers\n2010-12-01,01234,X,UK,1,1.00,1,1\n"))
    df = datadir.load_online_retail_daily(tmp_path)
    assert df.loc[0, "stock_code"] == "01234" and df["date"].dtype.kind == "M"


def test_esci_judgment_labels(tmp_path: Path) -> None:
    write(tmp_path, "queries/esci_us_judgments.json",
          b'{"judgmentRatings":[{"query":"q","ratings":[{"docId":"B1","rating":"100.000"},{"docId":"B2","rating":"0.000"}]}]}')
    df = datadir.load_esci_judgments(tmp_path)
    assert list(df["label"]) == ["Exact", "Irrelevant"] and list(df["asin"]) == ["B1", "B2"]


@pytest.mark.realdata
class TestRealData:
    def test_posts(self, data_dir: Path) -> None:
        tweets = datadir.load_airline_tweets(data_dir)
        assert len(tweets) == 14485 and tweets["tweet_id"].is_unique
        assert tweets["created_at"].min() == pd.Timestamp("2015-02-17 07:36:05", tz="UTC")
        assert not tweets["text"].str.contains("\r").any()
        assert len(datadir.load_sxsw_posts(data_dir)) == 9093

    def test_catalog(self, data_dir: Path) -> None:
        flipkart = datadir.load_flipkart(data_dir)
        assert len(flipkart) == 20000 and flipkart["uniq_id"].is_unique
        assert flipkart.loc[0, "category_path"][:2] == ["Clothing", "Women's Clothing"]
        assert len(datadir.load_amazon_toys(data_dir)) == 10000
        titles = datadir.load_catalog_titles(data_dir)
        assert len(titles) == len(set(titles)) > 20000 and all(t.strip() == t and t for t in titles)

    def test_queries(self, data_dir: Path) -> None:
        aol = datadir.load_aol_queries(data_dir)
        assert len(aol) == 99999 and len(set(aol)) == 40286 and aol[0] != "Query"
        assert len(datadir.load_trec05_queries(data_dir)) == 42169
        assert list(datadir.load_wands_queries(data_dir).columns) == ["query_id", "query", "query_class"]
        assert len(datadir.load_esci_queries(data_dir)) == 150
        labels = datadir.load_esci_judgments(data_dir)["label"].value_counts()
        assert len(labels.index) == 4 and labels["Exact"] == 3389 and labels["Complement"] == 305

    def test_sales(self, data_dir: Path) -> None:
        daily = datadir.load_online_retail_daily(data_dir)
        assert len(daily) == 310015 and daily["quantity"].sum() == 5176450
        assert round(daily["revenue"].sum(), 2) == 9747747.93 and daily["date"].nunique() == 305
        assert {"85123A", "85123a"} <= set(daily["stock_code"])
        assert len(datadir.load_online_retail_customers(data_dir)) == 4372
        assert len(datadir.load_prophet_retail_sales(data_dir)) == 293
        multi = datadir.load_prophet_online_retail(data_dir)
        assert len(multi) == 7506 and multi["item"].nunique() == 30

    def test_personas_and_affinity(self, data_dir: Path) -> None:
        marketing = datadir.load_marketing_campaign(data_dir)
        assert marketing.shape == (2240, 29) and marketing["Response"].sum() == 334
        assert datadir.load_food_world_cup(data_dir).shape[0] == 1373
        star_wars = datadir.load_star_wars(data_dir)
        assert star_wars.shape == (1186, 38)
        assert any(c.endswith("| Star Wars: Episode IV  A New Hope") for c in star_wars.columns)
        steak = datadir.load_steak_survey(data_dir)
        assert steak.shape == (550, 15) and not any("Response" in c for c in steak.columns)
        assert len(datadir.load_thanksgiving(data_dir)) == 1058
        assert len(datadir.load_drinks(data_dir)) == 193
        responses, columns = datadir.load_young_people(data_dir)
        assert responses.shape == (1010, 150) and columns.shape == (150, 2)
