"""`manage_data`: the owner's own data from chat and MCP — list it, forget it, or import a file.

Listing and forgetting touch only the caller's own imports (memory/owner.py). Importing reads a
path or a database URL on the machine caeser runs on, so it is for the terminal user (whose files
they are anyway) and MCP tokens with the admin scope; a Slack or Discord workspace is refused and
told to use `caeser import` on the server.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from memory.imports import store
from memory.imports.fields import Kind
from memory.imports.readers import ImportFailed
from memory.imports.run import ImportSummary, import_source
from tools.base import ToolContext, ToolError, ToolOutput
from tools.registry import register
from tools.schemas import StrictInput

TOOL = "manage_data"


class ManageDataInput(StrictInput):
    action: Literal["list", "forget", "import"] = Field(default="list", description="list your imports, forget one by name, or import a file / SQL source.", examples=["forget"])
    name: str | None = Field(default=None, max_length=120, description="forget: the import's name, e.g. 'q3 survey'; import: the name to store it under (default: the file name).", examples=["q3 survey"])
    kind: Literal["sales", "catalog", "customers", "survey", "campaigns"] | None = Field(default=None, description="import: what the file holds; list: only this kind.", examples=["sales"])
    source: str | None = Field(default=None, max_length=1000, description="import: a file path on the server, a SQLAlchemy URL, or a Google Sheets URL.", examples=["/data/shopify_orders.csv"])
    format: Literal["csv", "jsonl", "parquet", "shopify", "woocommerce", "sql", "sheet"] | None = Field(default=None, description="import: default from the file suffix.", examples=["shopify"])
    map: list[str] = Field(default_factory=list, max_length=30, description="import: COLUMN=FIELD pairs for columns that cannot be inferred.", examples=[["Qty sold=units"]])
    currency: str | None = Field(default=None, min_length=3, max_length=3, description="import (sales): the currency of rows that name none.", examples=["EUR"])
    query: str | None = Field(default=None, max_length=4000, description="import (sql): the SELECT to run.", examples=["SELECT day, sku, units FROM daily_sales"])
    table: str | None = Field(default=None, max_length=120, description="import (sql): a table to read whole.", examples=["daily_sales"])
    range: str | None = Field(default=None, max_length=200, description="import (sheet): the tab or A1 range (default Sheet1).", examples=["Orders!A1:H"])

    @model_validator(mode="after")
    def _needs(self) -> "ManageDataInput":
        if self.action == "forget" and not self.name:
            raise ValueError("name the import to forget, e.g. 'q3 survey'")
        if self.action == "import" and not (self.kind and self.source):
            raise ValueError("an import needs `kind` (sales, catalog, customers, survey, campaigns) and `source` (a file path or SQL URL)")
        return self


class ManageDataData(BaseModel):
    action: str
    datasets: list[store.DatasetInfo] = []
    forgotten: list[str] = []
    imported: ImportSummary | None = None


class ManageDataOutput(ToolOutput):
    data: ManageDataData


def _line(d: store.DatasetInfo) -> str:
    span = f", {d.first_day:%d %b %Y}–{d.last_day:%d %b %Y}" if d.first_day and d.last_day else ""
    money = f", {'/'.join(d.currencies)}" if d.currencies else ""
    return f"{d.kind} '{d.name}' ({d.rows:,} rows{span}{money})"


def _list(inp: ManageDataInput, ctx: ToolContext) -> ManageDataOutput:
    mine = [d for d in store.datasets(ctx.settings, ctx.owner, inp.kind) if d.owner == ctx.owner.key]
    summary = ("Your imported data: " + "; ".join(_line(d) for d in mine) + ". The engines use it before the sample data.") if mine else \
        "You have imported no data yet: forecasts, search and affinity answer from the public sample data. Bring yours in with `caeser import sales|catalog|customers|survey|campaigns FILE`."
    return ManageDataOutput(summary=summary, data=ManageDataData(action="list", datasets=mine), source="your imports (SQL, scoped to you)")


def _forget(inp: ManageDataInput, ctx: ToolContext) -> ManageDataOutput:
    found = store.find_datasets(ctx.settings, ctx.owner, inp.name or "")
    kind_word = next((k for k in ("sales", "catalog", "customers", "survey", "campaigns") if k in (inp.name or "").lower()), None)
    if len(found) > 1 and kind_word:
        found = [d for d in found if d.kind.startswith(kind_word.rstrip("s"))] or found
    if not found:
        mine = [d.name for d in store.datasets(ctx.settings, ctx.owner) if d.owner == ctx.owner.key]
        raise ToolError("not_found", f"You have no import called {inp.name!r}.", field="name", options=mine, tool=TOOL)
    if len(found) > 1:
        raise ToolError("invalid_argument", f"{len(found)} of your imports match {inp.name!r}; name one exactly.", field="name", options=[f"{d.kind} '{d.name}'" for d in found], tool=TOOL)
    store.forget(ctx.settings, ctx.owner, [found[0].id])
    summary = f"Forgot {_line(found[0])}: every row imported under it is deleted, and the engines no longer use it."
    return ManageDataOutput(summary=summary, data=ManageDataData(action="forget", forgotten=[found[0].name]), source="your imports (SQL, scoped to you)")


def _import(inp: ManageDataInput, ctx: ToolContext) -> ManageDataOutput:
    if not (ctx.owner.admin or ctx.owner.kind == "cli"):
        raise ToolError("permission_denied", "Importing reads files on the server, so it is for the terminal user or an MCP token with the admin scope: "
                        "run `caeser import …` where caeser runs.", tool=TOOL)
    kind: Kind = inp.kind  # type: ignore[assignment]  - checked by the validator
    try:
        done = import_source(ctx.settings, ctx.owner, kind, inp.source or "", fmt=inp.format, given=inp.map, name=inp.name,
                             currency=inp.currency or "", query=inp.query, table=inp.table, cells=inp.range)
    except ImportFailed as exc:
        raise ToolError("invalid_argument", str(exc), field="source", tool=TOOL) from None
    return ManageDataOutput(summary=done.sentence(), data=ManageDataData(action="import", imported=done), source=f"{done.label} ({done.format}), imported into your data")


@register(TOOL, engine="data", input_model=ManageDataInput, output_model=ManageDataOutput, description="""
Your own imported data (sales, catalog, customers, surveys, campaign results): list it, forget an
import by name, or import a file or SQL source. Use for "what data have we imported?" or "forget our Q3 survey".
""")
def manage_data(inp: ManageDataInput, ctx: ToolContext) -> ManageDataOutput:
    if inp.action == "forget":
        return _forget(inp, ctx)
    if inp.action == "import":
        return _import(inp, ctx)
    return _list(inp, ctx)
