"""Who an MCP call comes from, and what of the server a remote client may see.

Over HTTP the caller is its bearer token: a static token is named by its hash label, a JWT by its
issuer and subject (several client apps of one person share their results). Without a token
(stdio, in-process clients) the caller is the local user, as in `caeser chat`. A token carrying
the `caeser:admin` scope (a JWT scope, or a token listed in CAESER_MCP_ADMIN_TOKENS) sees every
tenant's stored things; no other does.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastmcp.server.dependencies import get_access_token

from memory.owner import Owner
from memory.settings import Settings

ADMIN_SCOPE = "caeser:admin"


def caller_owner() -> Owner:
    """The tenant of the current MCP request."""
    token = get_access_token()
    if token is None:
        return Owner.cli()
    admin = ADMIN_SCOPE in (token.scopes or [])
    claims = token.claims or {}
    subject = token.subject or claims.get("sub")
    if subject:
        return Owner.mcp(f"{subject}@{claims.get('iss') or '-'}", admin=admin)
    return Owner.mcp(getattr(token, "original_client_id", None) or token.client_id, admin=admin)


def remote_paths(value: Any, settings: Settings) -> Any:
    """`value` (a tool's JSON output) with every server path under CAESER_HOME replaced: export
    files and charts by their `caeser://` resource URI, anything else by its bare file name."""
    roots = [(str(root), uri) for base, uri in ((settings.exports_dir, "caeser://exports/"), (settings.charts_dir, "caeser://charts/"), (settings.home, ""))
             for root in {str(base), str(Path(base).resolve())}]

    def convert(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: convert(v) for k, v in item.items()}
        if isinstance(item, list):
            return [convert(v) for v in item]
        if isinstance(item, str):
            for root, uri in roots:
                if item.startswith(root + "/"):
                    return uri + Path(item).name
        return item

    return convert(value)
