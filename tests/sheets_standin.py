"""A stand-in for Google's OAuth token endpoint and the Sheets v4 values API on 127.0.0.1.

It checks what the real ones check that matters here: the token request is a JWT-bearer grant whose
assertion is signed (RS256) by the service account's key, and every API call carries a token it
issued. Sheets are {spreadsheet id: {tab: rows}}; `append` adds rows after the last, `get` returns them.
`service_account(server)` makes a fresh key whose `token_uri` points at the stand-in.
"""
from __future__ import annotations

import base64
import json
import threading
import uuid
from urllib.parse import parse_qs, unquote, urlparse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.httpstub import LoopbackServer, QuietHandler


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class SheetsStandIn(LoopbackServer):
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.lock = threading.Lock()
        self.sheets: dict[str, dict[str, list[list]]] = {}
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.fail_next = 0  # answer 503 to this many API calls
        super().__init__(self._handler())

    def service_account(self, email: str = "caeser-reports@caeser-test.iam.gserviceaccount.com") -> dict:
        pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        return {"type": "service_account", "project_id": "caeser-test", "private_key_id": "k1", "private_key": pem, "client_email": email,
                "client_id": "1", "token_uri": f"{self.base_url}/token"}

    def _verify(self, assertion: str) -> bool:
        head, body, signature = assertion.split(".")
        try:
            self.key.public_key().verify(_b64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 - any failure is a bad signature
            return False
        claims = json.loads(_b64(body))
        # google-auth puts Google's token endpoint in `aud` whatever token_uri says, as Google expects
        return claims.get("aud") in (f"{self.base_url}/token", "https://oauth2.googleapis.com/token") and "spreadsheets" in claims.get("scope", "")

    def _handler(self):  # noqa: ANN202 - a handler class bound to this stand-in
        server = self

        class Handler(QuietHandler):
            def _authorized(self) -> bool:
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if token not in server.tokens:
                    self.reply_json(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}})
                    return False
                with server.lock:
                    if server.fail_next > 0:
                        server.fail_next -= 1
                        self.reply_json(503, {"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}})
                        return False
                return True

            def _target(self) -> tuple[str, str]:
                parts = urlparse(self.path).path.split("/")  # /v4/spreadsheets/{id}/values/{range}[:append]
                sheet_id, cells = parts[3], unquote(parts[5]).removesuffix(":append")
                return sheet_id, cells.split("!")[0].strip("'")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if urlparse(self.path).path == "/token":
                    form = parse_qs(body.decode())
                    server.token_requests += 1
                    if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"] or not server._verify(form["assertion"][0]):
                        return self.reply_json(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
                    token = uuid.uuid4().hex
                    server.tokens.add(token)
                    return self.reply_json(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})
                if not self._authorized():
                    return
                sheet_id, tab = self._target()
                if sheet_id not in server.sheets:
                    return self.reply_json(404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}})
                rows = json.loads(body)["values"]
                with server.lock:
                    table = server.sheets[sheet_id].setdefault(tab, [])
                    start = len(table) + 1
                    table.extend(rows)
                updated = f"'{tab}'!A{start}:{chr(64 + max(len(r) for r in rows))}{start + len(rows) - 1}"
                self.reply_json(200, {"spreadsheetId": sheet_id, "updates": {"spreadsheetId": sheet_id, "updatedRange": updated, "updatedRows": len(rows),
                                                                              "updatedColumns": max(len(r) for r in rows), "updatedCells": sum(len(r) for r in rows)}})

            def do_GET(self) -> None:
                if not self._authorized():
                    return
                sheet_id, tab = self._target()
                if sheet_id not in server.sheets or tab not in server.sheets[sheet_id]:
                    return self.reply_json(404 if sheet_id not in server.sheets else 400, {"error": {"code": 400, "message": f"Unable to parse range: {tab}"}})
                rows = [[str(v) for v in row] for row in server.sheets[sheet_id][tab]]
                self.reply_json(200, {"range": f"'{tab}'!A1:Z{len(rows)}", "majorDimension": "ROWS", "values": rows})

        return Handler
