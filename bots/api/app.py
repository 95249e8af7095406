"""The storefront API as a Starlette app: thin, like every front end.

POST /v1/suggest and /v1/search run the registry's `suggest_queries` and `search_products` (the chat's
very tools, with their validation and their answers while the index builds); when the user is in a
running experiment on that surface they get their variant (plain = the same call without the user,
so nothing is personalised) and the response names it, and the exposure is logged after the
response is sent. POST /v1/events appends one event or a batch, idempotent by event_id.
GET /v1/health needs no key; GET /v1/openapi.json is the schema.

Every refusal is JSON `{"error": {"code", "message", "field"}}` naming what was wrong: 401 for a
missing or unknown key, 413 over the size limit, 429 over the rate (with Retry-After), 400 for a
body that is not JSON, 422 for a body that does not fit the schema. A malformed body is never a 500.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bots.api.keys import owner_for
from bots.api.limits import ApiLimits
from bots.api.openapi import openapi_schema
from bots.api.schemas import EventIn, EventsBatch, EventsResult
from bots.mcp_http import TokenBuckets
from bots.mcp_server import server_version
from memory.cadence_store import cadence_state
from memory.engagement import NewEvent, append_events
from memory.owner import Owner
from memory.served_queries import log_served
from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.experiments.serving import arm_for, log_serving
from tools.registry import describe_validation_error, run_tool, validate_input

STATUS = {"invalid_argument": 422, "not_found": 404, "not_available": 503, "permission_denied": 403, "upstream_error": 502, "internal": 500}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.headers = status, code, message, field, headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"code": self.code, "message": self.message, "field": self.field}}, status_code=self.status, headers=self.headers)


class Gate:
    """Key, rate and size checks shared by every keyed endpoint."""

    def __init__(self, keys: dict[str, Owner], limits: ApiLimits):
        self.keys, self.limits = keys, limits
        self.buckets = TokenBuckets(limits.rate_per_second * 60, limits.burst)

    def owner(self, request: Request) -> Owner:
        owner = owner_for(request.headers.get("authorization"), self.keys)
        if owner is None:
            why = "missing" if not request.headers.get("authorization") else "not a known key"
            raise ApiError(401, "unauthorized", f"An API key is required as `Authorization: Bearer KEY`; the one given is {why}.", headers={"WWW-Authenticate": "Bearer"})
        wait = self.buckets.allow(owner.key)
        if wait > 0:
            raise ApiError(429, "rate_limited", f"Over {self.limits.rate_per_second:g} requests per second for this key; retry in {wait:.2f} s.", headers={"Retry-After": str(max(1, round(wait)))})
        return owner

    async def json_body(self, request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            raise self._too_big()
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.limits.max_body_bytes:
                raise self._too_big()
        if not body:
            raise ApiError(400, "invalid_json", "The request body is empty: send a JSON object.")
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "invalid_json", f"The request body is not valid JSON ({exc}).") from None

    def _too_big(self) -> ApiError:
        return ApiError(413, "too_large", f"The request body is over the {self.limits.max_body_bytes:,} byte limit; send fewer events per batch.")


def build_app(settings: Settings, keys: dict[str, Owner], limits: ApiLimits | None = None) -> Starlette:
    gate = Gate(keys, limits or ApiLimits())

    def keyed(handler: Callable[[Request, Owner], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, gate.owner(request))
            except ApiError as exc:
                return exc.response()

        return endpoint

    async def tool_endpoint(request: Request, owner: Owner, tool: str, surface: str) -> Response:
        body = await gate.json_body(request)
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_argument", f"The body must be a JSON object of {tool}'s arguments, got {type(body).__name__}.")
        payload, after = await run_in_threadpool(serve_tool, settings, owner, tool, surface, body)
        return JSONResponse(payload, background=BackgroundTask(after))

    async def suggest(request: Request, owner: Owner) -> Response:
        return await tool_endpoint(request, owner, "suggest_queries", "suggest")

    async def search(request: Request, owner: Owner) -> Response:
        return await tool_endpoint(request, owner, "search_products", "search")

    async def events(request: Request, owner: Owner) -> Response:
        body = await gate.json_body(request)
        batch = parse_events(body)
        stored = await run_in_threadpool(append_events, settings, owner, [to_event(e) for e in batch])
        return JSONResponse(EventsResult(received=len(batch), stored=stored, duplicates=len(batch) - stored).model_dump())

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": server_version(), "index": cadence_state(settings)})

    schema = openapi_schema(server_version())

    async def openapi(request: Request) -> Response:
        return JSONResponse(schema)

    async def not_found(request: Request, exc: Exception) -> Response:
        return ApiError(404, "not_found", f"No endpoint {request.method} {request.url.path}; see /v1/openapi.json.").response()

    async def wrong_method(request: Request, exc: Exception) -> Response:
        return ApiError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}; see /v1/openapi.json.").response()

    routes = [Route("/v1/health", health, methods=["GET"]), Route("/v1/openapi.json", openapi, methods=["GET"]),
              Route("/v1/suggest", keyed(suggest), methods=["POST"]), Route("/v1/search", keyed(search), methods=["POST"]),
              Route("/v1/events", keyed(events), methods=["POST"])]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: wrong_method})


def parse_events(body: Any) -> list[EventIn]:
    """One event object, or {"events": [...]}; errors name the event and field (`events.3.action`)."""
    try:
        if isinstance(body, dict) and "events" in body:
            return EventsBatch.model_validate(body).events
        if isinstance(body, dict):
            return [EventIn.model_validate(body)]
    except ValidationError as exc:
        message, field = describe_validation_error(exc)
        raise ApiError(422, "invalid_argument", message.replace("Invalid arguments", "Invalid event"), field) from None
    raise ApiError(422, "invalid_argument", f"The body must be one event object or {{\"events\": [...]}}, got {type(body).__name__}.")


def to_event(e: EventIn) -> NewEvent:
    return NewEvent(event_id=e.event_id, user_id=e.user_id, session_id=e.session_id, action=e.action, item_id=e.item_id, item_kind=e.item_kind,
                    rank=e.rank, query=e.query.strip().lower()[:500] if e.query else None, variant=e.variant, value=e.value, at=e.timestamp)


def serve_tool(settings: Settings, owner: Owner, tool: str, surface: str, body: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], None]]:
    """Run the tool for this storefront (in a worker thread): the JSON answer, and what to log once it is sent."""
    user = body.get("user_id") if isinstance(body.get("user_id"), str) else None
    arm = arm_for(settings, owner, surface, user)
    args = body if arm is None or arm.personalise else {k: v for k, v in body.items() if k not in ("user_id", "session_id")}
    try:
        out = run_tool(tool, validate_input(tool, args), ToolContext(settings=settings, owner=owner), store=False)
    except ToolError as exc:
        raise ApiError(STATUS.get(exc.code, 500), exc.code, exc.readable(), exc.info.field) from None
    payload = out.data.model_dump(mode="json") | {"summary": out.summary, "experiment": {"id": arm.experiment_id, "variant": arm.variant} if arm else None}
    results = len(payload.get("suggestions") or payload.get("results") or [])
    text = str(payload.get("prefix") or payload.get("query") or "")

    def after() -> None:
        if arm is not None and user:
            log_serving(settings, owner, arm, user)
        if surface == "search" or results == 0:  # every search; a prefix only when it found nothing (a write per keystroke is waste)
            log_served(settings, owner, surface=surface, query=text, results=results, user_id=user, session_id=body.get("session_id") if isinstance(body.get("session_id"), str) else None,
                       variant=arm.variant if arm else None)

    return payload, after
