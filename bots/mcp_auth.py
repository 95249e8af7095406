"""Who may call the MCP server over HTTP: static bearer tokens and, for deployments, a JWT verifier.

Static tokens come from `CAESER_MCP_TOKENS` (comma-separated). A deployment behind an identity
provider sets `CAESER_MCP_JWT_JWKS_URL` (or `CAESER_MCP_JWT_PUBLIC_KEY` for a fixed key or an HS
secret) with `CAESER_MCP_JWT_ISSUER`, `CAESER_MCP_JWT_AUDIENCE` and `CAESER_MCP_JWT_ALGORITHM`.
Both can be on at once. A token never appears in a log line or a client id: clients are named by a
short hash of their token instead, which is also what rate limits and stored results are keyed on.
Tokens in `CAESER_MCP_ADMIN_TOKENS` are accepted too and carry the `caeser:admin` scope: they see
every tenant's stored things (bots/mcp_caller.py); a JWT gets it from its own scopes.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping

from fastmcp.server.auth import AuthProvider, JWTVerifier, MultiAuth, StaticTokenVerifier, TokenVerifier

from bots.mcp_caller import ADMIN_SCOPE
from memory.settings import Settings

JWT_ENV = ("CAESER_MCP_JWT_JWKS_URL", "CAESER_MCP_JWT_PUBLIC_KEY", "CAESER_MCP_JWT_ISSUER", "CAESER_MCP_JWT_AUDIENCE", "CAESER_MCP_JWT_ALGORITHM")


class AuthNotConfigured(RuntimeError):
    """HTTP was asked for with no way to tell callers apart: refusing beats serving everyone."""


def token_label(token: str) -> str:
    """A stable, non-secret name for a static token (hash prefix): safe to log and to key on."""
    return "token-" + hashlib.sha256(token.encode()).hexdigest()[:12]


def static_tokens(settings: Settings) -> list[str]:
    raw = settings.mcp_tokens.get_secret_value() if settings.mcp_tokens else ""
    return [t.strip() for t in raw.split(",") if t.strip()]


def jwt_verifier(environ: Mapping[str, str]) -> JWTVerifier | None:
    """The JWT verifier the environment describes, or None when no key source is set."""
    jwks, key = environ.get("CAESER_MCP_JWT_JWKS_URL"), environ.get("CAESER_MCP_JWT_PUBLIC_KEY")
    if not (jwks or key):
        return None
    return JWTVerifier(jwks_uri=jwks or None, public_key=None if jwks else key, issuer=environ.get("CAESER_MCP_JWT_ISSUER") or None,
                       audience=environ.get("CAESER_MCP_JWT_AUDIENCE") or None, algorithm=environ.get("CAESER_MCP_JWT_ALGORITHM") or None)


def build_auth(settings: Settings, environ: Mapping[str, str] | None = None) -> AuthProvider:
    """Static tokens, a JWT verifier, or both; raises AuthNotConfigured when neither is set."""
    environ = os.environ if environ is None else environ
    verifiers: list[TokenVerifier] = []
    tokens = {t: {"client_id": token_label(t), "scopes": []} for t in static_tokens(settings)}
    tokens |= {t.strip(): {"client_id": token_label(t.strip()), "scopes": [ADMIN_SCOPE]} for t in environ.get("CAESER_MCP_ADMIN_TOKENS", "").split(",") if t.strip()}
    if tokens:
        verifiers.append(StaticTokenVerifier(tokens=tokens))
    jwt = jwt_verifier(environ)
    if jwt is not None:
        verifiers.append(jwt)
    if not verifiers:
        raise AuthNotConfigured("MCP over HTTP needs credentials: set CAESER_MCP_TOKENS (comma-separated bearer tokens) "
                                "or CAESER_MCP_JWT_JWKS_URL / CAESER_MCP_JWT_PUBLIC_KEY for a JWT verifier.")
    return verifiers[0] if len(verifiers) == 1 else MultiAuth(verifiers=verifiers)
