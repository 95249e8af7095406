"""Who is looking at the dashboard: sign-in tokens, the session cookie and CSRF tokens.

`CAESER_WEB_TOKENS` holds comma-separated `token=owner` pairs; the owner is `slack:<team id>`,
`discord:<guild id>`, `mcp:<subject>` or `cli:<user>` (memory/owner.py), and the token signs its
holder in as that tenant. A browser signs in through a form and gets a session cookie; a script
sends `Authorization: Bearer <token>`.

The session cookie holds no secret: `<token label>.<expiry>.<HMAC>`, signed with a key derived
from the configured tokens. Each request looks the label up in the current configuration, so
removing a token (and restarting) ends its sessions, and changing any token re-keys them all.
CSRF: the sign-in form carries a random value that must equal its HttpOnly, SameSite=Strict
cookie (double submit); forms of a signed-in page carry an HMAC of the session cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from pydantic import ValidationError

from memory.owner import Owner
from memory.settings import Settings

SESSION_COOKIE = "caeser_session"
CSRF_COOKIE = "caeser_csrf"
SESSION_S = 12 * 3600
MIN_TOKEN_CHARS = 16
OWNER_KINDS = ("slack", "discord", "mcp", "cli")


class WebTokensError(ValueError):
    """CAESER_WEB_TOKENS cannot work as given; the message says which entry and why (never the token)."""


def token_label(token: str) -> str:
    """A stable, non-secret name for a token: what the session cookie and the logs carry."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def parse_tokens(raw: str) -> dict[str, Owner]:
    """`token=kind:id, …` → {token label: owner}. Raises WebTokensError naming the entry by position."""
    owners: dict[str, Owner] = {}
    for n, entry in enumerate((e.strip() for e in raw.split(",")), start=1):
        if not entry:
            continue
        token, sep, owner = entry.partition("=")
        kind, colon, ident = owner.strip().partition(":")
        if not sep or not colon or kind not in OWNER_KINDS or not ident:
            raise WebTokensError(f"CAESER_WEB_TOKENS entry {n} must look like `token=slack:T0123` (owner kinds: {', '.join(OWNER_KINDS)})")
        if len(token.strip()) < MIN_TOKEN_CHARS:
            raise WebTokensError(f"CAESER_WEB_TOKENS entry {n}: the token is shorter than {MIN_TOKEN_CHARS} characters; use e.g. `openssl rand -hex 24`")
        try:
            owners[token_label(token.strip())] = Owner(kind=kind, id=ident)  # type: ignore[arg-type]
        except ValidationError:
            raise WebTokensError(f"CAESER_WEB_TOKENS entry {n}: the owner id is too long") from None
    return owners


class WebAuth:
    """The configured tokens and the keys derived from them; checks tokens, cookies and CSRF values."""

    def __init__(self, raw_tokens: str) -> None:
        self.owners = parse_tokens(raw_tokens)
        if not self.owners:
            raise WebTokensError("the dashboard needs CAESER_WEB_TOKENS: comma-separated `token=owner` pairs, e.g. `$(openssl rand -hex 24)=slack:T0123`")
        self.key = hashlib.sha256(b"caeser-web-session\0" + "\0".join(sorted(self.owners)).encode() + raw_tokens.encode()).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> "WebAuth":
        return cls(settings.web_tokens.get_secret_value() if settings.web_tokens else "")

    def owner_of_token(self, token: str) -> Owner | None:
        return self.owners.get(token_label(token.strip())) if token.strip() else None

    def _sign(self, message: str) -> str:
        return hmac.new(self.key, message.encode(), hashlib.sha256).hexdigest()

    def session_for(self, token: str, now: float | None = None) -> str:
        body = f"{token_label(token.strip())}.{int((now or time.time()) + SESSION_S)}"
        return f"{body}.{self._sign(body)}"

    def owner_of_session(self, cookie: str | None, now: float | None = None) -> Owner | None:
        label, _, rest = (cookie or "").partition(".")
        expiry, _, signature = rest.partition(".")
        if not (label and expiry.isdigit() and signature) or not hmac.compare_digest(signature.encode(), self._sign(f"{label}.{expiry}").encode()):
            return None
        if int(expiry) < (now or time.time()):
            return None
        return self.owners.get(label)

    def page_csrf(self, session_cookie: str) -> str:
        """The CSRF value of a signed-in page's forms (sign out): bound to the session."""
        return self._sign(f"csrf.{session_cookie}")

    def page_csrf_ok(self, session_cookie: str | None, submitted: str | None) -> bool:
        return bool(session_cookie and submitted) and hmac.compare_digest(self.page_csrf(session_cookie).encode(), submitted.encode())


class SignInThrottle:
    """At most `limit` refused sign-ins per client address in `window_s`: guessing tokens gets
    slow, and one noisy address never locks anyone else out. Kept in memory, per process."""

    def __init__(self, limit: int = 10, window_s: float = 600.0, max_clients: int = 10_000) -> None:
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self.refused: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, client: str, now: float) -> list[float]:
        return [t for t in self.refused.get(client, []) if now - t < self.window_s]

    def blocked(self, client: str, now: float | None = None) -> bool:
        with self.lock:
            return len(self._recent(client, now or time.monotonic())) >= self.limit

    def refuse(self, client: str, now: float | None = None) -> None:
        now = now or time.monotonic()
        with self.lock:
            if len(self.refused) >= self.max_clients:  # forget the quiet ones first
                self.refused = {c: r for c in self.refused if (r := self._recent(c, now))}
            self.refused[client] = [*self._recent(client, now), now][-self.limit:]


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def login_csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie and submitted) and hmac.compare_digest(cookie.encode(), submitted.encode())
