"""A small data dir in the shared datasets' formats (catalog, sales descriptions, query logs), so
builds run end to end in seconds: Flipkart and Amazon UK catalogs, the Online Retail daily table,
WANDS, ESCI and TREC 2005 queries. Titles are drawn (seeded) from a few product families, so
summarisation, clustering and search have real structure to find."""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

FAMILIES = {
    "toys": (["wooden", "toy", "train", "railway", "track", "lego", "puzzle", "doll", "kids"], "Toys >> Trains"),
    "clothing": (["red", "summer", "dress", "cotton", "women's", "shirt", "skirt", "floral", "casual"], "Clothing >> Dresses"),
    "kitchen": (["steel", "kitchen", "pan", "knife", "set", "non-stick", "cookware", "chef", "pot"], "Home >> Kitchen"),
    "garden": (["garden", "hose", "planter", "outdoor", "solar", "light", "lawn", "seed", "trowel"], "Garden >> Tools"),
}
QUERIES = ["wooden train", "wooden train set", "red dress", "red summer dress", "kitchen knife set", "garden hose",
           "solar garden light", "lego train", "cotton shirt", "non-stick pan", "water bottle", "wall clock"]


def _titles(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words, tree = FAMILIES[list(FAMILIES)[i % len(FAMILIES)]]
        out.append((" ".join(w.title() for w in rng.sample(words, 4)) + f" M{rng.randint(100, 999)}", tree))
    return out


def write_small_data(root: Path, n_products: int = 120, seed: int = 0) -> Path:
    """Write the data dir under `root` (n_products split over the three catalog sources); returns it."""
    (root / "catalog").mkdir(parents=True, exist_ok=True)
    (root / "sales").mkdir(parents=True, exist_ok=True)
    (root / "queries").mkdir(parents=True, exist_ok=True)
    titles = _titles(n_products, seed)
    third = n_products // 3
    lines = ["uniq_id,product_name,product_category_tree"]
    lines += [f'fk{i:05d},"{t}","[""{tree} >> {t}""]"' for i, (t, tree) in enumerate(titles[:third])]
    (root / "catalog" / "flipkart_products.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["uniq_id,product_name,amazon_category_and_sub_category,manufacturer,price,number_available_in_stock,number_of_reviews,number_of_answered_questions,average_rating"]
    lines += [f'az{i:05d},"{t}",{tree.replace(" >> ", " > ")},Maker,{5 + i % 40}.99,3 new,4,1,4.5' for i, (t, tree) in enumerate(titles[third:2 * third])]
    (root / "catalog" / "amazon_uk_toys.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    rows = ["date,stock_code,description,country,quantity,revenue,invoices,customers"]
    rows += [f"2011-01-{1 + i % 28:02d},{20000 + i},{t.upper()},United Kingdom,{1 + i % 9},{2.5 * (1 + i % 9):.2f},1,1" for i, (t, _) in enumerate(titles[2 * third:])]
    with gzip.open(root / "sales" / "online_retail_daily.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    wands = ["query_id\tquery\tquery_class"] + [f"{i}\t{q}\tmisc" for i, q in enumerate(QUERIES * 2)]
    (root / "queries" / "wands_queries.csv").write_text("\n".join(wands) + "\n", encoding="utf-8")
    esci = {"name": "ESCI Queries", "querySetQueries": [{"queryText": q} for q in QUERIES[:6]]}
    (root / "queries" / "esci_us_queryset.json").write_text(json.dumps(esci), encoding="utf-8")
    (root / "queries" / "trec05.completions").write_text("".join(f"{100 + i} {q}\n" for i, q in enumerate(["wall clock repair", "water bottle brand", "garden design"])), encoding="utf-8")
    return root
