"""The Sheets client through google-api-python-client and google-auth against the local stand-in:
a signed JWT grant, then the values API; errors that say what to do."""
from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from memory.google_sheets import SheetsClient, SheetsError
from tests.sheets_standin import SheetsStandIn


@pytest.fixture
def sheets(settings):
    with SheetsStandIn() as server:
        yield server, settings.model_copy(update={"google_service_account_json": SecretStr(json.dumps(server.service_account())), "sheets_api_url": server.base_url})


def test_append_then_read_back(sheets):
    server, settings = sheets
    server.sheets["plan-1"] = {}
    client = SheetsClient(settings)
    first = client.append_rows("plan-1", "Forecast", [["week", "units"], ["2026-12-07", 120.5]])
    second = client.append_rows("plan-1", "Forecast", [["2026-12-14", 98]])
    assert (first.rows, second.rows) == (2, 1) and second.updated_range == "'Forecast'!A3:B3"
    assert client.read_values("plan-1", "Forecast") == [["week", "units"], ["2026-12-07", "120.5"], ["2026-12-14", "98"]]
    assert server.token_requests == 1  # the token is reused


def test_errors_name_the_fix(sheets, tmp_path):
    server, settings = sheets
    with pytest.raises(SheetsError, match="no spreadsheet missing-id .*caeser-reports@"):
        SheetsClient(settings).append_rows("missing-id", "Tab", [["x"]])
    server.sheets["plan-2"] = {}
    server.fail_next = 1
    with pytest.raises(SheetsError, match="HTTP 503") as caught:
        SheetsClient(settings).append_rows("plan-2", "Tab", [["x"]])
    assert caught.value.retryable
    SheetsClient(settings).append_rows("plan-2", "Tab", [["x"]])  # the retry goes through
    other = SheetsStandIn().service_account()  # a key the token endpoint does not know
    with pytest.raises(SheetsError, match="could not get a token") as refused:
        SheetsClient(settings.model_copy(update={"google_service_account_json": SecretStr(json.dumps({**other, "token_uri": f"{server.base_url}/token"}))})).read_values("plan-2", "Tab")
    assert other["private_key"] not in str(refused.value)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(server.service_account()))
    assert SheetsClient(settings.model_copy(update={"google_service_account_json": SecretStr(str(key_file))})).read_values("plan-2", "Tab") == [["x"]]
    with pytest.raises(SheetsError, match="not configured"):
        SheetsClient(settings.model_copy(update={"google_service_account_json": None}))
