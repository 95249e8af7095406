"""Import fixtures the project makes itself (no real data committed): a Shopify orders export with
refunds, two currencies and a malformed row; a WooCommerce export; a 10,000-product catalog; a
1,000-respondent survey; order lines by the million for the benchmark. Seeded: same bytes every run."""
from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SHOPIFY_HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal", "Total", "Discount Amount",
                  "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem discount",
                  "Shipping Country", "Refunded Amount", "Cancelled at", "Vendor"]
PRODUCTS = [("FOX-MUG-350", "Fox Mug 350 ml", 14.0), ("OAK-BOARD-L", "Oak Serving Board Large", 39.0), ("LINEN-NAP-4", "Linen Napkins Set of 4", 22.0)]
START = date(2025, 1, 6)  # a Monday


def shopify_orders(path: Path, days: int = 140, seed: int = 7) -> dict:
    """A Shopify "Export orders" CSV: EUR orders (Germany) and GBP orders (UK), multi-line orders whose
    later lines leave the order columns blank, as Shopify writes them; one order refunded in full, one
    partly; one cancelled; and line MALFORMED_LINE with a quantity that is not a number. Returns the
    facts the tests check (net units per SKU, the malformed line, currencies)."""
    rng = np.random.default_rng(seed)
    rows: list[list[str]] = []
    net = {sku: 0 for sku, _, _ in PRODUCTS}
    number = 1000
    for d in range(days):
        day = START + timedelta(days=d)
        weekly = 1.0 + 0.4 * np.sin(2 * np.pi * d / 7)
        for _ in range(int(rng.poisson(6 * weekly))):
            number += 1
            currency, country = ("EUR", "Germany") if number % 3 else ("GBP", "United Kingdom")
            status = "paid"
            lines = [PRODUCTS[i] for i in sorted(set(rng.integers(0, 3, size=int(rng.integers(1, 3)))))]
            qty = [int(rng.integers(1, 4)) for _ in lines]
            refunded, cancelled = "", ""
            if number == 1010:
                status, refunded = "refunded", f"{sum(q * p for q, (_, _, p) in zip(qty, lines)):.2f}"
            elif number == 1020:
                status, refunded = "partially_refunded", "5.00"
            elif number == 1030:
                status, cancelled = "voided", f"{day} 12:00:00 +0100"
            for j, ((sku, title, price), q) in enumerate(zip(lines, qty)):
                first = j == 0
                created = f"{day} {int(rng.integers(8, 22)):02d}:15:00 +0100"
                rows.append([f"#{number}", "buyer@example.com" if first else "", status if first else "", created if first else "", "fulfilled" if first else "",
                             currency if first else "", "", "", "0.00" if first else "", created if first else "", str(q), title, f"{price:.2f}", sku, "0.00",
                             country if first else "", refunded if first else "", cancelled if first else "", "caeser test shop"])
                if status not in ("refunded", "voided"):
                    net[sku] += q
    bad = len(rows) // 2
    bad_sku = rows[bad][13]
    if rows[bad][0] not in ("#1010", "#1030"):  # the malformed line never imports
        net[bad_sku] -= int(rows[bad][10])
    rows[bad][10] = "two"  # the malformed row: a quantity in words
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SHOPIFY_HEADER)
        writer.writerows(rows)
    return {"malformed_line": bad + 2, "malformed_sku": bad_sku, "rows": len(rows), "currencies": {"EUR", "GBP"}, "net": net, "last_day": START + timedelta(days=days - 1)}


def woocommerce_orders(path: Path) -> None:
    """A small WooCommerce order CSV: one completed order, one refunded, one cancelled, one with a refunded unit."""
    header = ["Order ID", "Order Date", "Order Status", "Order Currency", "SKU", "Item Name", "Quantity", "Item Total", "Refunded Quantity", "Billing Country"]
    rows = [["501", "2025-03-01 10:00:00", "completed", "USD", "TEE-BLK-M", "Black Tee M", "2", "40.00", "0", "US"],
            ["502", "2025-03-01 11:00:00", "refunded", "USD", "TEE-BLK-M", "Black Tee M", "1", "20.00", "1", "US"],
            ["503", "2025-03-02 09:00:00", "cancelled", "USD", "CAP-RED", "Red Cap", "5", "75.00", "0", "US"],
            ["504", "2025-03-02 12:00:00", "completed", "USD", "CAP-RED", "Red Cap", "3", "45.00", "1", "CA"]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])


ADJECTIVES = ["oak", "linen", "ceramic", "wool", "copper", "glass", "bamboo", "velvet", "walnut", "cotton", "marble", "leather", "rattan", "stoneware", "brass"]
NOUNS = ["mug", "serving board", "napkin set", "throw blanket", "table lamp", "vase", "plant pot", "cushion cover", "side table", "tote bag",
         "candle holder", "wall clock", "bread bin", "desk organiser", "picture frame", "salad bowl", "tea towel", "doormat", "shelf", "mirror"]
COLOURS = ["sage", "rust", "ivory", "charcoal", "ochre", "navy", "blush", "forest", "sand", "plum"]


def catalog_csv(path: Path, n: int = 10_000, seed: int = 3) -> list[tuple[str, str]]:
    """A home-goods catalog of `n` products (id, title, category, price, vendor); returns (id, title) pairs."""
    rng = np.random.default_rng(seed)
    out = []
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Handle", "Title", "Product Type", "Variant Price", "Vendor"])
        for i in range(n):
            adj, noun, colour = ADJECTIVES[i % len(ADJECTIVES)], NOUNS[(i // len(ADJECTIVES)) % len(NOUNS)], COLOURS[int(rng.integers(0, len(COLOURS)))]
            title = f"{adj.title()} {noun} in {colour} no. {i}"
            out.append((f"hg-{i:05d}", title))
            writer.writerow([f"hg-{i:05d}", title, f"Home > {noun.title()}", f"{float(rng.uniform(5, 200)):.2f}", "Hearth & Grain"])
    return out


SURVEY_ITEMS = ["Scandinavian design", "Rustic farmhouse", "Mid-century modern", "Maximalist colour", "Minimalist white", "Industrial loft",
                "Vintage finds", "Handmade ceramics", "Smart home gadgets", "Outdoor living"]


def survey_csv(path: Path, n: int = 1_000, seed: int = 5) -> None:
    """`n` respondents rating 10 interior styles 1–5, with age, gender and region; younger
    respondents love maximalist colour and smart gadgets, older ones rustic farmhouse."""
    rng = np.random.default_rng(seed)
    regions = ["Northeast", "South", "Midwest", "West"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Respondent ID", "Age", "Gender", "Region", *SURVEY_ITEMS, "Comments"])
        for r in range(n):
            age = int(rng.integers(18, 75))
            young = age < 35
            base = rng.normal(3, 0.8, size=len(SURVEY_ITEMS))
            base[SURVEY_ITEMS.index("Maximalist colour")] += 1.2 if young else -0.8
            base[SURVEY_ITEMS.index("Smart home gadgets")] += 1.0 if young else -0.5
            base[SURVEY_ITEMS.index("Rustic farmhouse")] += -0.8 if young else 1.2
            ratings = [str(int(np.clip(round(v), 1, 5))) if rng.random() > 0.05 else "" for v in base]
            writer.writerow([f"R{r:04d}", str(age), "Female" if rng.random() < 0.5 else "Male", regions[r % 4], *ratings, "nice survey" if r % 50 == 0 else ""])


def order_lines_csv(path: Path, n: int, skus: int = 2_000, days: int = 365, seed: int = 11) -> None:
    """`n` generic order lines (order_id, date, sku, product_name, quantity, unit_price, currency,
    country), written in blocks with numpy so a million lines take a few seconds."""
    rng = np.random.default_rng(seed)
    day0 = np.datetime64("2024-01-01")
    block = 200_000
    with path.open("w", encoding="utf-8") as fh:
        fh.write("order_id,date,sku,product_name,quantity,unit_price,currency,country\n")
        for start in range(0, n, block):
            m = min(block, n - start)
            idx = np.arange(start, start + m)
            sku = (rng.integers(0, skus, size=m) // 3 * 3 + idx % 3) % skus  # an order's (up to 3) lines are different SKUs
            day = (day0 + (idx * days // n).astype("timedelta64[D]")).astype(str)
            qty = rng.integers(1, 5, size=m)
            price = (5 + sku % 50).astype(float)
            cur = np.where(idx % 4 == 0, "USD", "EUR")
            country = np.where(cur == "USD", "United States", "Germany")
            fh.write("\n".join(f"O{i // 3},{d},SKU-{s:05d},Product {s},{q},{p:.2f},{c},{k}"
                               for i, d, s, q, p, c, k in zip(idx.tolist(), day.tolist(), sku.tolist(), qty.tolist(), price.tolist(), cur.tolist(), country.tolist())))
            fh.write("\n")


def customers_csv(path: Path, n: int = 500, seed: int = 9) -> None:
    """A customer list skewed to women aged 25–44 (name and e-mail columns included: they must not be stored)."""
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Customer ID", "First Name", "Email", "Country", "Age", "Gender", "Total Spent", "Orders"])
        for i in range(n):
            age = int(rng.integers(25, 45)) if rng.random() < 0.85 else int(rng.integers(18, 80))
            gender = "Female" if rng.random() < 0.8 else "Male"
            writer.writerow([f"C{i:05d}", "Alex", f"alex{i}@example.com", "Germany", str(age), gender, f"{float(rng.gamma(2, 60)):.2f}", str(int(rng.integers(1, 9)))])
