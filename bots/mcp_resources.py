"""MCP resources and prompts: what a client can read without calling a tool, and ready-made requests.

Resources read the same stores the tools write (stored results, watches, persona sets, export files),
each scoped to the calling tenant (bots/mcp_caller.py): another client's result id or file name reads
as missing. Where an engine has not landed yet they say so in a sentence rather than failing, so a
client listing everything never sees an error for a feature that is merely coming.

No `from __future__ import annotations` here: fastmcp reads the prompt functions' annotations at
registration, and string annotations of nested functions would not resolve.
"""

import json
import logging
from pathlib import Path
from typing import Annotated

import anyio.to_thread
from fastmcp import FastMCP
from fastmcp.exceptions import ValidationError
from fastmcp.resources import ResourceContent, ResourceResult
from pydantic import Field

from bots.mcp_caller import caller_owner, remote_paths
from memory.cadence_store import load_index
from memory.owner import Owner
from memory.results import get_result, owned_results
from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.registry import run_tool

PERSONA_TOOL = "build_personas"
PERSONA_SETS_SHOWN = 50
EXPORT_MIME = {".csv": "text/csv", ".json": "application/json", ".pdf": "application/pdf"}


def missing(message: str) -> ValidationError:
    """A wrong id or file name is the caller's mistake: an invalid-params error (-32602, as fastmcp
    answers an unknown resource), logged at INFO — not an internal error (-32603) of the server."""
    return ValidationError(message, log_level=logging.INFO)


def not_yet(message: str) -> str:
    """A JSON answer (the resources are declared JSON) saying the feature is not there yet, not broken."""
    return json.dumps({"available": False, "message": message})


def stored_result_json(settings: Settings, owner: Owner, result_id: str) -> str:
    stored = get_result(settings, result_id, owner)
    if stored is None:
        raise missing(f"No stored result has the id {result_id!r}.")
    return json.dumps({"result_id": stored.result_id, "tool": stored.tool, "created_at": stored.created_at.isoformat(),
                       "arguments": stored.arguments, "output": remote_paths(stored.output, settings)}, ensure_ascii=False)


def persona_sets_json(settings: Settings, owner: Owner) -> str:
    """The caller's newest persona sets built with `build_personas`, each readable in full as a stored result."""
    sets = [{"result_id": r.result_id, "uri": f"caeser://results/{r.result_id}", "created_at": r.created_at.isoformat(),
             "arguments": r.arguments, "summary": r.summary} for r in owned_results(settings, owner, PERSONA_TOOL, PERSONA_SETS_SHOWN)]
    return json.dumps({"persona_sets": sets}, ensure_ascii=False)


def watches_text(settings: Settings, owner: Owner) -> str:
    """The caller's watch list through the `list_watches` tool itself (one implementation)."""
    try:
        out = run_tool("list_watches", {}, ToolContext(settings=settings, owner=owner))
    except ToolError as exc:
        return not_yet(exc.readable())
    return json.dumps(out.model_dump(mode="json"), ensure_ascii=False)


def categories_text(settings: Settings) -> str:
    """The catalog's pseudo-categories as the CADENCE build named them (usable as `category` filters)."""
    built = load_index(settings)
    if built is None:
        return not_yet("The catalog categories are made by `caeser build`, which has not been run yet.")
    return json.dumps({"categories": [{"id": cid, "name": name} for cid, name in sorted(built[1].categories.items())]}, ensure_ascii=False)


def home_file(directory: Path, name: str) -> ResourceResult:
    """A file directly inside `directory` (names with a path in them are refused, not resolved):
    text for CSV/JSON so a model can read it, bytes for the rest."""
    path = directory / name
    if Path(name).name != name or name in {"", ".", ".."} or not path.is_file():
        raise missing(f"There is no file called {name!r}.")
    mime = EXPORT_MIME.get(path.suffix, "image/png" if path.suffix == ".png" else "application/octet-stream")
    content: str | bytes = path.read_text(encoding="utf-8") if mime in ("text/csv", "application/json") else path.read_bytes()
    return ResourceResult([ResourceContent(content, mime_type=mime)])


def add_resources(server: FastMCP, settings: Settings) -> None:
    async def in_thread(fn, *args):
        return await anyio.to_thread.run_sync(fn, *args)

    @server.resource("caeser://results/{result_id}", name="stored_result", mime_type="application/json",
                     description="A stored tool result by result_id: arguments, summary, data, charts, source.")
    async def stored_result(result_id: str) -> str:
        return await in_thread(stored_result_json, settings, caller_owner(), result_id)

    @server.resource("caeser://watches", name="watches", mime_type="application/json",
                     description="Hype watches (subject, threshold, channel) and the alerts they fired.")
    async def watches() -> str:
        return await in_thread(watches_text, settings, caller_owner())

    @server.resource("caeser://personas", name="persona_sets", mime_type="application/json",
                     description="Persona sets built with build_personas, newest first.")
    async def persona_sets() -> str:
        return await in_thread(persona_sets_json, settings, caller_owner())

    @server.resource("caeser://catalog/categories", name="catalog_categories", mime_type="application/json",
                     description="Product catalog categories (usable as `category` in suggest_queries and search_products).")
    async def catalog_categories() -> str:
        return await in_thread(categories_text, settings)

    @server.resource("caeser://exports/{name}", name="export_file", description="An export file written by export_report.")
    async def export_file(name: str) -> ResourceResult:
        return await in_thread(home_file, settings.exports_dir / caller_owner().slug, name)

    @server.resource("caeser://charts/{name}", name="chart", mime_type="image/png", description="A chart PNG a tool made.")
    async def chart(name: str) -> ResourceResult:
        return await in_thread(home_file, settings.charts_dir / caller_owner().slug, name)


# Prompt arguments are strings in MCP; the descriptions are what clients show beside the fields.
Product = Annotated[str, Field(description="The product, e.g. 'trail running shoe'.")]
AudienceText = Annotated[str, Field(description="The audience in words, e.g. 'women 25-34 in the UK'; empty = everyone.")]
Weeks = Annotated[str, Field(description="Weeks to plan for (1-104).")]
Subjects = Annotated[str, Field(description="Comma-separated products, brands or topics.")]
Region = Annotated[str, Field(description="Market or region, e.g. 'North America'; empty = all.")]
Domain = Annotated[str, Field(description="What to rank: music, film, food, brands, hobbies…; empty = all.")]


def add_prompts(server: FastMCP) -> None:
    @server.prompt(name="launch_analysis", description="Will this product launch be a hit? The whole readout with a plan.")
    def launch_analysis(product: Product, audience: AudienceText = "", horizon_weeks: Weeks = "12") -> str:
        who = f" for {audience}" if audience else ""
        return (f"We are launching {product}{who}. Call `analyze_launch` with product={product!r} and horizon={horizon_weeks} "
                "(set `audience` from the description if one is given). Then explain the verdict, the segments to target, "
                "timing, price and risks, citing the numbers in the result, and offer `simulate_launch` what-ifs and an "
                "`export_report` of the result_id.")

    @server.prompt(name="weekly_hype_review", description="This week's hype for a list of products or brands, with movers and flags.")
    def weekly_hype_review(subjects: Subjects, region: Region = "") -> str:
        where = f" in {region}" if region else ""
        return (f"Review this week's hype{where} for: {subjects}. Call `hype_score` once per subject (window_days=7"
                f"{', region=' + repr(region) if region else ''}). Rank them by score, say which moved most against the previous "
                "week and why (biggest metric driver, sentiment), list any anomaly flags, and suggest `watch_hype` thresholds "
                "for the ones worth watching.")

    @server.prompt(name="audience_deep_dive", description="What an audience loves, how it differs from others, and who its personas are.")
    def audience_deep_dive(audience: AudienceText, domain: Domain = "", product: Product = "") -> str:
        steps = [f"1. `audience_affinity` for {audience}" + (f" in the {domain} domain" if domain else "") + " (take=15).",
                 f"2. `compare_audiences` on the top items between {audience} and the general population.",
                 "3. `build_personas`" + (f" for {product}" if product else "") + " with the same audience."]
        return (f"Deep-dive on the audience: {audience}.\n" + "\n".join(steps) +
                "\nSummarise what sets this audience apart, the strongest affinities with their scores, and one line per persona.")
