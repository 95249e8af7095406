"""Where hype alerts may be POSTed: only where an operator allowed, never to an internal address.

A watch's webhook is named by a user (Slack, Discord, MCP, the agent), so without these rules any
user could make the server send requests into its own network (SSRF: the cloud metadata service at
169.254.169.254, an admin port on 127.0.0.1, a database on 10.x). The rules are checked when a
watch is set and again before every send (`bots.delivery`):

- the destination is a named webhook from CAESER_ALERT_WEBHOOKS (`name=https://…`, used as
  `webhook:name`), one of that setting's URLs exactly, or an https URL on a host listed in
  CAESER_WEBHOOK_HOSTS (`hooks.example.com`, or `*.example.com` for its subdomains);
- https only: plain http only where the operator wrote that http URL into CAESER_ALERT_WEBHOOKS;
- no user:password in the URL;
- every address the host resolves to is public: loopback, private, shared, link-local, multicast,
  reserved and unspecified addresses (also when embedded in an IPv6 address) are refused unless
  they lie in a network listed in CAESER_WEBHOOK_PRIVATE_NETS (an in-VPC receiver; a test stand-in);
- the send connects to the address that was checked (`pinned_url`), so a second DNS answer cannot
  swap in an internal one (DNS rebinding), and it follows no redirects.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable

import httpx
from pydantic import BaseModel

from memory.settings import Settings

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAME = re.compile(r"[A-Za-z][\w-]{0,39}")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class WebhookRefused(ValueError):
    """A destination the rules forbid; the message says which rule and what to configure."""


class WebhookUnresolved(WebhookRefused):
    """The host did not resolve. At send time this may pass (a DNS outage), so delivery retries it."""


class Destination(BaseModel):
    """A checked destination: where to connect (`addresses`, every one allowed) and what users see."""

    url: str
    label: str  # the webhook's name, or its host: never the full URL, which may carry a secret path
    addresses: list[str]


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (tests pass their own resolver instead)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUnresolved(f"the webhook host {host} does not resolve ({exc})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def configured_webhooks(settings: Settings) -> dict[str, str]:
    """CAESER_ALERT_WEBHOOKS as {name: url}; an entry without `name=` is named after its position (`1`, `2`…)."""
    hooks: dict[str, str] = {}
    for i, entry in enumerate((e.strip() for e in (settings.alert_webhooks or "").split(",") if e.strip()), start=1):
        name, sep, url = entry.partition("=")
        if not sep or "://" in name:
            name, url = str(i), entry
        if sep and not NAME.fullmatch(name.strip()):
            raise WebhookRefused(f"CAESER_ALERT_WEBHOOKS: {name!r} is not a webhook name (a letter, then letters, digits, _ or -)")
        hooks[name.strip()] = url.strip()
    return hooks


def _host_allowed(host: str, patterns: str | None) -> bool:
    for pattern in (p.strip().lower().rstrip(".") for p in (patterns or "").split(",") if p.strip()):
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


def _embedded_v4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)


def forbidden(address: str, private_nets: str | None) -> str | None:
    """Why `address` may not be reached (None when it may): not public and not in an allowed network."""
    ip = ipaddress.ip_address(address.split("%")[0])
    for net in (n.strip() for n in (private_nets or "").split(",") if n.strip()):
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return None
        except ValueError:
            raise WebhookRefused(f"CAESER_WEBHOOK_PRIVATE_NETS: {net!r} is not a network (e.g. 10.0.5.0/24)") from None
    for candidate in (ip, _embedded_v4(ip)):
        if candidate is None:
            continue
        if candidate.is_loopback:
            return "a loopback address"
        if candidate.is_link_local:
            return "a link-local address (e.g. the cloud metadata service)"
        if candidate.is_multicast:
            return "a multicast address"
        if not candidate.is_global:
            return "a private or reserved address"
    return None


def allowed_url(target: str, settings: Settings) -> tuple[str, str]:
    """(url, label) for a `webhook:` target — a configured name or a URL — if the allow-list permits it."""
    hooks = configured_webhooks(settings)
    if target in hooks:
        return hooks[target], target
    if NAME.fullmatch(target):
        known = ", ".join(sorted(hooks)) or "none are configured"
        raise WebhookRefused(f"there is no webhook named {target!r} (configured: {known})")
    url = httpx.URL(target)
    host = (url.host or "").lower().rstrip(".")
    if url.scheme not in ("http", "https") or not host:
        raise WebhookRefused("a webhook must be an https:// URL")
    if url.userinfo:
        raise WebhookRefused("a webhook URL may not carry a user name or password")
    listed = target in hooks.values()
    if not listed and not _host_allowed(host, settings.webhook_hosts):
        raise WebhookRefused(f"webhooks to {host} are not allowed: an operator lists allowed hosts in CAESER_WEBHOOK_HOSTS "
                             "or named webhooks in CAESER_ALERT_WEBHOOKS")
    if url.scheme != "https" and not listed:
        raise WebhookRefused(f"webhooks must use https (http://{host} is only allowed when written into CAESER_ALERT_WEBHOOKS)")
    return target, host


def check_destination(target: str, settings: Settings, resolve: Resolver | None = None) -> Destination:
    """The checked destination for a `webhook:` target, or WebhookRefused naming the rule it breaks."""
    url_text, label = allowed_url(target, settings)
    url = httpx.URL(url_text)
    host = (url.host or "").rstrip(".")
    addresses = (resolve or system_resolve)(host, url.port or (443 if url.scheme == "https" else 80))
    if not addresses:
        raise WebhookUnresolved(f"the webhook host {host} does not resolve")
    for address in addresses:
        why = forbidden(address, settings.webhook_private_nets)
        if why:
            shown = f"{address} is {why}" if host == address else f"{host} resolves to {address}, {why}"
            named = f"the webhook {label!r}: " if label != host else ""
            raise WebhookRefused(f"{named}{shown}; alerts only go to public addresses")
    return Destination(url=url_text, label=label, addresses=addresses)


def pinned_url(destination: Destination) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """(url with the checked address as host, headers, httpx extensions): the request connects to that
    address while Host and TLS (SNI and certificate check) still use the name."""
    url = httpx.URL(destination.url)
    host = (url.host or "").rstrip(".")
    return url.copy_with(host=destination.addresses[0]), {"Host": url.netloc.decode("ascii")}, {"sni_hostname": host}
