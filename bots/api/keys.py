"""Which storefront is calling: API keys from `CAESER_API_KEYS`, each one a tenant.

Format: comma-separated entries, `KEY` or `KEY=TENANT`. A bare key is a storefront of its own
(owner `api:store-<hash of the key>`); `KEY=slack:T0123` (or `cli:alice`, `mcp:…`, `discord:…`)
makes the storefront's events and experiments those of that chat tenant, so the marketers who start
an experiment in Slack read the results of the traffic this storefront sends. Keys are compared in
constant time and never logged: a storefront is named by its hash label.
"""
from __future__ import annotations

import hmac
import typing

from bots.mcp_auth import token_label
from memory.owner import Owner, OwnerKind
from memory.settings import Settings

TENANT_KINDS = set(typing.get_args(OwnerKind)) - {"system", "legacy"}


class KeyConfigError(ValueError):
    """CAESER_API_KEYS cannot be used as written; the message says which entry and why."""


def parse_keys(raw: str) -> dict[str, Owner]:
    keys: dict[str, Owner] = {}
    for n, entry in enumerate((e.strip() for e in raw.split(",")), 1):
        if not entry:
            continue
        key, _, tenant = entry.partition("=")
        key, tenant = key.strip(), tenant.strip()
        if len(key) < 16:
            raise KeyConfigError(f"CAESER_API_KEYS entry {n}: a key must be at least 16 characters (a guessable key is no key).")
        if not tenant:
            keys[key] = Owner.api(token_label(key).replace("token-", "store-"))
            continue
        kind, _, ident = tenant.partition(":")
        if kind not in TENANT_KINDS or not ident:
            raise KeyConfigError(f"CAESER_API_KEYS entry {n}: tenant {tenant!r} must be KIND:ID with KIND one of {', '.join(sorted(TENANT_KINDS))}.")
        keys[key] = Owner(kind=kind, id=ident)  # type: ignore[arg-type]
    return keys


def configured_keys(settings: Settings) -> dict[str, Owner]:
    return parse_keys(settings.api_keys.get_secret_value() if settings.api_keys else "")


def owner_for(header: str | None, keys: dict[str, Owner]) -> Owner | None:
    """The tenant of `Authorization: Bearer KEY`, or None (missing, malformed or unknown key)."""
    scheme, _, presented = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None
    presented_bytes = presented.strip().encode()
    found = None
    for key, owner in keys.items():  # every key compared, in constant time: timing says nothing
        if hmac.compare_digest(key.encode(), presented_bytes):
            found = owner
    return found
