"""The OpenAPI 3.1 document of the storefront API, generated from the same pydantic models that
validate requests, so the schema cannot drift from what is enforced."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bots.api.schemas import ErrorBody, EventIn, EventsBatch, EventsResult, Health, SearchResponse, SuggestResponse
from tools.cadence.suggest import SearchProductsInput, SuggestQueriesInput

REF = "#/components/schemas/{model}"
ERRORS = {"400": "Body is not JSON", "401": "Missing or unknown API key", "413": "Body over the size limit",
          "422": "Body does not fit the schema (the message names the field)", "429": "Over the rate limit (see Retry-After)"}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _post(summary: str, body: dict[str, Any], answer: type[BaseModel]) -> dict[str, Any]:
    responses = {"200": {"description": "OK"} | _json(_ref(answer))} | {code: {"description": text} | _json(_ref(ErrorBody)) for code, text in ERRORS.items()}
    return {"post": {"summary": summary, "security": [{"bearer": []}], "requestBody": {"required": True} | _json(body), "responses": responses}}


def openapi_schema(version: str) -> dict[str, Any]:
    models = [SuggestQueriesInput, SearchProductsInput, EventIn, EventsBatch, EventsResult, SuggestResponse, SearchResponse, ErrorBody, Health]
    _, top = models_json_schema([(m, "validation" if m in (SuggestQueriesInput, SearchProductsInput, EventIn, EventsBatch) else "serialization") for m in models], ref_template=REF)
    paths = {
        "/v1/suggest": _post("Autosuggest completions for a prefix (personalised by user_id; experiment variant when enrolled)", _ref(SuggestQueriesInput), SuggestResponse),
        "/v1/search": _post("Ranked products for a query (personalised by user_id; experiment variant when enrolled)", _ref(SearchProductsInput), SearchResponse),
        "/v1/events": _post("Append one shopper event or a batch; idempotent by event_id", {"oneOf": [_ref(EventIn), _ref(EventsBatch)]}, EventsResult),
        "/v1/health": {"get": {"summary": "Liveness and index state (no key needed)", "responses": {"200": {"description": "OK"} | _json(_ref(Health))}}},
    }
    return {"openapi": "3.1.0", "info": {"title": "caeser storefront API", "version": version},
            "components": {"schemas": top.get("$defs", {}), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}, "paths": paths}
