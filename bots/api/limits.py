"""The storefront API's limits, from the environment: `CAESER_API_RATE` (requests per second per
key, default 200), `CAESER_API_BURST` (default 400) and `CAESER_API_MAX_BODY_BYTES` (default 1 MiB,
room for a full batch of 1,000 events)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bots.mcp_http import env_number


@dataclass(frozen=True)
class ApiLimits:
    rate_per_second: float = 200.0
    burst: int = 400
    max_body_bytes: int = 1_048_576

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ApiLimits":
        environ = os.environ if environ is None else environ
        d = cls()
        return cls(rate_per_second=env_number(environ, "CAESER_API_RATE", d.rate_per_second), burst=int(env_number(environ, "CAESER_API_BURST", d.burst)),
                   max_body_bytes=int(env_number(environ, "CAESER_API_MAX_BODY_BYTES", d.max_body_bytes)))
