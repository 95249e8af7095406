"""The one Google Sheets client: append rows (scheduled reports) and read values (imports).

Built on the official `google-api-python-client` (Sheets v4, its bundled discovery document, so no
discovery request is made) with `google-auth` service-account credentials from the environment:
CAESER_GOOGLE_SERVICE_ACCOUNT_JSON holds the key file's JSON or a path to it. The key's `token_uri`
says where tokens come from and CAESER_SHEETS_API_URL where the API is (both default to Google;
tests point them at a stand-in on 127.0.0.1). The key is never logged or put in an error message;
the service account's e-mail is named where it helps ("share the sheet with …").
Errors are `SheetsError` with `retryable` set for what a later attempt may fix (429, 5xx, network).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2 import service_account
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from pydantic import BaseModel

from memory.settings import Settings

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
TIMEOUT_S = 20.0

Cell = str | int | float | bool | None


class SheetsError(RuntimeError):
    """A Sheets call that failed; the message says why in words a user can act on."""

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable, self.retry_after = retryable, retry_after


class AppendResult(BaseModel):
    updated_range: str
    rows: int


def service_account_info(settings: Settings) -> dict[str, Any]:
    """The service-account key from CAESER_GOOGLE_SERVICE_ACCOUNT_JSON (JSON text, or a file path)."""
    if settings.google_service_account_json is None:
        raise SheetsError("Google Sheets is not configured: set CAESER_GOOGLE_SERVICE_ACCOUNT_JSON to a service-account key (its JSON or a path to it)")
    raw = settings.google_service_account_json.get_secret_value().strip()
    try:
        text = raw if raw.startswith("{") else Path(raw).expanduser().read_text()
        info = json.loads(text)
    except (OSError, ValueError):
        raise SheetsError("CAESER_GOOGLE_SERVICE_ACCOUNT_JSON is neither a service-account JSON key nor a readable path to one") from None
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise SheetsError(f"CAESER_GOOGLE_SERVICE_ACCOUNT_JSON lacks {', '.join(missing)}: download a JSON key of the service account")
    return info


class SheetsClient:
    """Sheets v4 values API for one service account. `http` is an httplib2 transport (tests may pass one)."""

    def __init__(self, settings: Settings, http: httplib2.Http | None = None) -> None:
        info = service_account_info(settings)
        self.account = info["client_email"]
        try:
            credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        except ValueError:
            raise SheetsError("CAESER_GOOGLE_SERVICE_ACCOUNT_JSON: the private key could not be read") from None
        authorized = AuthorizedHttp(credentials, http=http or httplib2.Http(timeout=TIMEOUT_S))
        self.service = build("sheets", "v4", http=authorized, static_discovery=True, cache_discovery=False,
                             client_options={"api_endpoint": settings.sheets_api_url.rstrip("/") + "/"})

    def append_rows(self, spreadsheet_id: str, tab: str, rows: list[list[Cell]]) -> AppendResult:
        """Append `rows` after the last row of the table on `tab` (values typed as a user would, so numbers stay numbers)."""
        request = self.service.spreadsheets().values().append(spreadsheetId=spreadsheet_id, range=tab_range(tab), valueInputOption="USER_ENTERED",
                                                              insertDataOption="INSERT_ROWS", body={"values": rows})
        answer = self._execute(request, spreadsheet_id)
        updates = answer.get("updates") or {}
        return AppendResult(updated_range=updates.get("updatedRange", ""), rows=int(updates.get("updatedRows", len(rows))))

    def read_values(self, spreadsheet_id: str, cells: str) -> list[list[str]]:
        """The formatted values of `cells` ('Sheet1', 'Sheet1!A1:F500'), rows of strings; trailing empty cells are absent, as Sheets returns them."""
        request = self.service.spreadsheets().values().get(spreadsheetId=spreadsheet_id, range=cells, majorDimension="ROWS", valueRenderOption="FORMATTED_VALUE")
        return [[str(v) for v in row] for row in self._execute(request, spreadsheet_id).get("values", [])]

    def _execute(self, request: Any, spreadsheet_id: str) -> dict[str, Any]:
        try:
            return request.execute(num_retries=0)  # the callers retry on their own clock (the scheduler's back-off)
        except HttpError as exc:
            status = int(exc.resp.status)
            retry_after = exc.resp.get("retry-after")
            if status in (401, 403):
                raise SheetsError(f"Google Sheets refused access to spreadsheet {spreadsheet_id} (HTTP {status}): share it with {self.account} as an editor") from None
            if status == 404:
                raise SheetsError(f"there is no spreadsheet {spreadsheet_id} (or no tab of that name) that {self.account} can see") from None
            if status == 429 or status >= 500:
                raise SheetsError(f"Google Sheets answered HTTP {status}", retryable=True, retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None) from None
            raise SheetsError(f"Google Sheets refused the request (HTTP {status}): {exc._get_reason()[:200]}") from None
        except RefreshError as exc:
            raise SheetsError(f"the service account {self.account} could not get a token ({_first_line(exc)}): check the key",
                              retryable=bool(getattr(exc, "retryable", False))) from None
        except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
            raise SheetsError(f"could not reach Google Sheets ({type(exc).__name__})", retryable=True) from None


def tab_range(tab: str) -> str:
    """A1 range for a whole tab: quoted, so names with spaces or '!' work."""
    return "'" + tab.replace("'", "''") + "'"


def _first_line(exc: Exception) -> str:
    return str(exc.args[0] if exc.args else exc).splitlines()[0][:160]
