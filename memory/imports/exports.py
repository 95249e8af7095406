"""Shop platforms' order exports as sales lines: Shopify's "Export orders" CSV and WooCommerce's
order CSV (one row per order line), turned into the sales fields before mapping.

Refunds subtract on the order's day (neither export dates a refund): an order refunded in full
nets to 0 units and 0 revenue; Shopify's partial refunds (`Refunded Amount`) reduce the revenue of
the order's lines in proportion to their value, units unchanged (the export does not say which
units came back); WooCommerce's refunded quantity reduces both. Cancelled, voided, failed and
pending orders are not sales and are left out (counted in the summary). Shopify writes the
order-level columns (currency, status, date, country) on an order's first line only: they are
carried down to the order's other lines.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from memory.imports.fields import normalise
from memory.imports.readers import ImportFailed, RawTable

SALES_COLUMNS = ("order_id", "date", "sku", "title", "units", "revenue", "currency", "country")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    columns: dict[str, tuple[str, ...]]  # role → column names the platform uses (first found wins)
    required: tuple[str, ...]
    order_level: tuple[str, ...]  # roles written on an order's first line only
    refunded: frozenset[str]  # statuses meaning the whole order was refunded
    excluded: frozenset[str]  # statuses meaning no sale happened


SHOPIFY = ExportFormat("shopify", {
    "order_id": ("Name", "Order Name"), "date": ("Created at", "Paid at"), "status": ("Financial Status",), "cancelled": ("Cancelled at",),
    "currency": ("Currency",), "sku": ("Lineitem sku",), "title": ("Lineitem name",), "units": ("Lineitem quantity",),
    "price": ("Lineitem price",), "discount": ("Lineitem discount",), "refund_amount": ("Refunded Amount",),
    "country": ("Shipping Country", "Billing Country"),
}, required=("order_id", "date", "sku", "units", "price"), order_level=("date", "status", "cancelled", "currency", "refund_amount", "country"),
    refunded=frozenset({"refunded"}), excluded=frozenset({"voided", "pending", "expired"}))

WOOCOMMERCE = ExportFormat("woocommerce", {
    "order_id": ("Order ID", "Order Number", "Order #"), "date": ("Order Date", "Date", "Date Created"), "status": ("Order Status", "Status"),
    "currency": ("Order Currency", "Currency"), "sku": ("SKU", "Item SKU", "Product SKU"), "title": ("Item Name", "Product Name", "Item"),
    "units": ("Quantity", "Qty", "Item Quantity"), "line_total": ("Item Total", "Line Total", "Order Line Total", "Item Subtotal"),
    "price": ("Item Cost", "Item Price", "Price"), "refund_units": ("Refunded Quantity", "Quantity Refunded", "Item Refunded Qty"),
    "country": ("Shipping Country", "Billing Country"),
}, required=("order_id", "date", "sku", "units"), order_level=("date", "status", "currency", "country"),
    refunded=frozenset({"refunded", "wc-refunded"}), excluded=frozenset({"cancelled", "wc-cancelled", "failed", "wc-failed", "pending", "wc-pending", "trash", "draft"}))

EXPORTS = {f.name: f for f in (SHOPIFY, WOOCOMMERCE)}


def _find(table: RawTable, names: tuple[str, ...]) -> str | None:
    by_norm = {normalise(c): c for c in table.columns}
    return next((by_norm[normalise(n)] for n in names if normalise(n) in by_norm), None)


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.replace(r"[^\d.\-]", "", regex=True), errors="coerce").fillna(0.0)


def _orders(n: int) -> str:
    return f"{n} order{'' if n == 1 else 's'}"


def to_sales_lines(table: RawTable, fmt: ExportFormat) -> tuple[RawTable, list[str], dict[str, str]]:
    """The export as a table of the sales fields (text cells, same lines), notes for the summary,
    and which of the export's columns each field came from."""
    found = {role: _find(table, names) for role, names in fmt.columns.items()}
    missing = [role for role in fmt.required if found[role] is None]
    if missing:
        wanted = "; ".join(f"{role} ({' or '.join(repr(n) for n in fmt.columns[role])})" for role in missing)
        raise ImportFailed(f"{table.label} line 1: not a {fmt.name} orders export — no column for {wanted}. "
                           f"Columns found: {', '.join(table.columns[:12])}{'…' if len(table.columns) > 12 else ''}. Import it with --format csv and --map instead.")
    col = {role: pd.Series(table.cells[c] if c else [""] * len(table), dtype=object).str.strip() for role, c in found.items()}
    order = col["order_id"]
    for role in fmt.order_level:  # carry an order's first-line values down to its other lines
        if found.get(role):
            col[role] = col[role].replace("", np.nan).groupby(order).ffill().fillna("")
    units = _numbers(col["units"])
    if found.get("line_total"):
        revenue = _numbers(col["line_total"])
    else:
        revenue = units * _numbers(col["price"]) - (_numbers(col["discount"]) if found.get("discount") else 0.0)
    status = col["status"].str.lower() if found.get("status") else pd.Series("", index=units.index)
    excluded = status.isin(fmt.excluded) | ((col["cancelled"] != "") if found.get("cancelled") else False)
    full = status.isin(fmt.refunded)
    notes = []
    if found.get("refund_amount"):
        refund = _numbers(col["refund_amount"]).where(~full, 0.0)
        order_value = revenue.groupby(order).transform("sum")
        share = (revenue / order_value.replace(0.0, np.nan)).fillna(0.0)
        partial = (refund > 0) & ~full & ~excluded
        revenue = revenue - (refund * share).where(partial, 0.0)
        if partial.any():
            notes.append(f"{_orders(order[partial].nunique())} partly refunded (the refunded amount taken off their lines' revenue, units unchanged)")
    if found.get("refund_units"):
        returned = _numbers(col["refund_units"]).abs().clip(upper=units.abs())
        per_unit = (revenue / units.replace(0.0, np.nan)).fillna(0.0)
        revenue, units = revenue - per_unit * returned, units - returned
        if (returned > 0).any():
            notes.append(f"{int(returned.sum())} units refunded on partly refunded orders (subtracted)")
    units, revenue = units.where(~full, 0.0), revenue.where(~full, 0.0)
    if full.any():
        notes.append(f"{_orders(order[full & ~excluded].nunique())} refunded in full (net 0 units and revenue)")
    if excluded.any():
        notes.append(f"{_orders(order[excluded].nunique())} cancelled, voided or pending: left out ({int(excluded.sum())} lines)")
    raw_units = col["units"]
    unit_text = units.map(lambda v: f"{v:g}").where(raw_units.str.replace(r"[^\d.\-]", "", regex=True).str.fullmatch(r"-?\d+(\.\d+)?"), raw_units)
    cells = {"order_id": order, "date": col["date"], "sku": col["sku"], "title": col["title"], "units": unit_text,
             "revenue": revenue.map(lambda v: f"{v:.4f}"), "currency": col["currency"], "country": col["country"]}
    keep = ~excluded.to_numpy()
    used = {f: found[f] or f for f in SALES_COLUMNS if f in found}  # each field under the export's own column name, for messages
    used["revenue"] = found.get("line_total") or "revenue (quantity × price − discount − refunds)"
    out = RawTable(table.label, table.unit, list(used.values()), {used[k]: v[keep].tolist() for k, v in cells.items()}, table.lines[keep], table.errors)
    return out, notes, used
