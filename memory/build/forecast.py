"""The forecast build step: the sales table loaded once, and the analog index — the description
embeddings of products that launched inside the data with enough history to lend a new product
their launch curve."""
from __future__ import annotations

from datetime import timedelta

from engines.forecast.selection import MIN_HISTORY
from memory import sales
from memory.build.steps import Report
from memory.settings import Settings

ANALOG_COLLECTION = "sales_skus"
#: An analog must have launched inside the data: a product selling in the first four weeks was
#: probably selling before the data starts, and its curve is not a launch curve (left-censored).
LAUNCH_MARGIN_DAYS = 28


def ensure_sales(settings: Settings) -> None:
    """Load the sales table the first time (raises `DataFileMissing` without the data file)."""
    if not sales.is_loaded(settings):
        # The first load takes seconds and the analog index built after it needs Chroma: import it
        # now. A launch readout abandons a call that overruns its budget and the interpreter lets the
        # call finish at exit, when chromadb no longer imports (it starts a thread pool); the index,
        # and the cold run's work with it, would be lost to the next process.
        import memory.vectors  # noqa: F401
    sales.ensure_loaded(settings)


def run_build(settings: Settings, report: Report) -> str:
    """Load the sales table (first time) and embed the descriptions of products with enough history."""
    from memory.vectors import get_collection, upsert_texts

    report(0.0, "loading the sales history")
    ensure_sales(settings)
    launched_after = sales.span(settings).first_day + timedelta(days=LAUNCH_MARGIN_DAYS)
    products = [p for p in sales.all_products(settings)
                if p.description and p.first_day >= launched_after and (p.last_day - p.first_day).days >= 7 * MIN_HISTORY]
    report(0.5, f"embedding {len(products):,} product descriptions for analogs")
    collection = get_collection(settings, ANALOG_COLLECTION)
    upsert_texts(collection, [p.stock_code for p in products], [p.description for p in products], [{"stock_code": p.stock_code} for p in products])
    return f"sales history loaded; {len(products)} product descriptions indexed for analogs"
