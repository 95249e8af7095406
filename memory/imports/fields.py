"""What each kind of import holds: its fields, which are required, the column names people use for
them, and the natural key that makes re-importing idempotent.

WHY synonyms and not fuzzy matching: a column mapped wrongly (a cost price read as the selling
price) is worse than a question, so a field is inferred only from a known name, and two columns
claiming the same field are an error that asks for --map.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["sales", "catalog", "customers", "survey", "campaigns"]
KINDS: tuple[Kind, ...] = ("sales", "catalog", "customers", "survey", "campaigns")


def normalise(name: str) -> str:
    """A column name as compared: lower case, runs of anything but letters and digits as one `_`."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    synonyms: tuple[str, ...]
    required: bool = False
    help: str = ""

    def matches(self, column: str) -> bool:
        return normalise(column) in {normalise(s) for s in (self.name, *self.synonyms)}


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]  # the natural key: a row whose key was imported before is a duplicate
    extra_columns: bool = False  # survey: unmapped numeric columns are the items rated
    notes: tuple[str, ...] = field(default=())

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


F = FieldSpec
SALES = KindSpec("sales", (
    F("date", ("day", "ds", "order_date", "invoice_date", "created_at", "paid_at", "sale_date", "transaction_date", "invoicedate"), True, "the day of the sale"),
    F("sku", ("stock_code", "stockcode", "product_id", "item_id", "variant_sku", "lineitem_sku", "article", "product_code", "item"), True, "the product's code"),
    F("units", ("quantity", "qty", "units_sold", "lineitem_quantity", "y", "volume"), True, "units sold (negative = returned)"),
    F("revenue", ("amount", "line_total", "net_sales", "sales", "total", "line_amount", "item_total")),
    F("price", ("unit_price", "unitprice", "lineitem_price", "item_price", "item_cost")),
    F("title", ("description", "product_name", "product", "name", "lineitem_name", "item_name", "product_title")),
    F("currency", ("currency_code", "order_currency", "presentment_currency")),
    F("country", ("region", "market", "shipping_country", "billing_country", "ship_country")),
    F("order_id", ("order", "order_number", "invoice", "invoice_no", "invoiceno", "invoice_id", "transaction_id", "receipt")),
), key=("order_id", "line", "sku"))
CATALOG = KindSpec("catalog", (
    F("item_id", ("sku", "id", "product_id", "stock_code", "uniq_id", "handle", "variant_sku", "code", "asin"), True, "the product's id"),
    F("title", ("name", "product_name", "product_title", "description", "product"), True, "the product's name"),
    F("category", ("category_path", "product_type", "type", "product_category", "category_tree", "department", "collection")),
    F("price", ("unit_price", "variant_price", "list_price", "retail_price")),
    F("brand", ("vendor", "manufacturer", "make")),
), key=("item_id",))
CUSTOMERS = KindSpec("customers", (
    F("customer_id", ("id", "customer", "customerid", "client_id", "user_id", "member_id"), True, "the customer's id"),
    F("country", ("region", "market", "location")),
    F("age", ("age_years",)),
    F("birth_year", ("year_birth", "yob", "year_of_birth")),
    F("gender", ("sex",)),
    F("orders", ("n_orders", "n_invoices", "order_count", "purchases", "total_orders")),
    F("spend", ("total_spent", "total_revenue", "revenue", "lifetime_value", "ltv", "total_spend", "amount_spent")),
    F("segment", ("tier", "cluster", "persona")),
), key=("customer_id",), notes=("Only the mapped fields are stored: names, e-mails and addresses in the file are not kept.",))
SURVEY = KindSpec("survey", (
    F("respondent_id", ("respondent", "respondentid", "response_id", "id", "participant", "participant_id"), True, "the respondent's id"),
    F("age", ("age_years", "age_band", "age_group")),
    F("gender", ("sex",)),
    F("region", ("country", "location", "census_region", "location_census_region", "us_region", "market")),
), key=("respondent_id",), extra_columns=True)
CAMPAIGNS = KindSpec("campaigns", (
    F("campaign_id", ("campaign", "campaign_name", "name", "id"), True, "the campaign's id or name"),
    F("date", ("start_date", "start", "sent_at", "launch_date", "day")),
    F("channel", ("medium", "media")),
    F("audience", ("segment", "target", "audience_segment")),
    F("reached", ("sent", "impressions", "delivered", "recipients", "reach")),
    F("responses", ("conversions", "responded", "accepted", "orders", "purchases", "response")),
    F("revenue", ("sales", "amount")),
    F("spend", ("cost", "budget")),
), key=("campaign_id",))

SPECS: dict[Kind, KindSpec] = {s.kind: s for s in (SALES, CATALOG, CUSTOMERS, SURVEY, CAMPAIGNS)}
