"""Webhook destinations (SSRF): only configured ones, https, public addresses after DNS — refused
when a watch is set. DNS is a resolver stand-in, so names resolve however a test needs."""
from __future__ import annotations

import pytest

from memory.settings import Settings
from tools import webhooks
from tools.base import ToolContext, ToolError
from tools.hype.watch import WatchHypeInput, watch_hype
from tools.webhooks import WebhookRefused, WebhookUnresolved, check_destination, configured_webhooks, forbidden, pinned_url

PUBLIC = "93.184.216.34"
DNS = {
    "hooks.example.com": [PUBLIC],
    "loopback.example.com": ["127.0.0.1"],
    "internal.example.com": ["10.1.2.3"],
    "metadata.example.com": ["169.254.169.254"],
    "mixed.example.com": [PUBLIC, "192.168.0.10"],  # one bad answer is enough to refuse
    "v6.example.com": ["::1"],
}


def resolve(host: str, port: int) -> list[str]:
    if host in DNS:
        return DNS[host]
    try:
        webhooks.ipaddress.ip_address(host)
        return [host]
    except ValueError:
        raise WebhookUnresolved(f"the webhook host {host} does not resolve") from None


@pytest.fixture
def allowed(settings: Settings) -> Settings:
    """Every test host on the allow-list, so the address rules are what decide."""
    hosts = ",".join([*DNS, "127.0.0.1", "10.0.0.5", "169.254.169.254"])
    return settings.model_copy(update={"webhook_hosts": hosts, "alert_webhooks": "team=https://hooks.example.com/T1,http://hooks.example.com/plain"})


INTERNAL = [
    ("https://127.0.0.1/admin", "loopback"),
    ("https://10.0.0.5/x", "private"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://loopback.example.com/x", "loopback.example.com resolves to 127.0.0.1"),
    ("https://internal.example.com/x", "resolves to 10.1.2.3"),
    ("https://metadata.example.com/x", "resolves to 169.254.169.254"),
    ("https://mixed.example.com/x", "resolves to 192.168.0.10"),
    ("https://v6.example.com/x", "loopback"),
]


@pytest.mark.parametrize(("url", "why"), INTERNAL)
def test_internal_addresses_are_refused_after_resolution(allowed: Settings, url: str, why: str) -> None:
    with pytest.raises(WebhookRefused, match=why):
        check_destination(url, allowed, resolve)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.9.9.9", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                                     "240.0.0.1", "::1", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::"])
def test_every_non_public_address_kind_is_forbidden(address: str) -> None:
    assert forbidden(address, None)


def test_public_addresses_and_listed_networks_pass() -> None:
    assert forbidden(PUBLIC, None) is None and forbidden("2606:4700::1111", None) is None
    assert forbidden("10.0.5.7", "10.0.5.0/24") is None and forbidden("10.0.6.7", "10.0.5.0/24")


@pytest.mark.parametrize(("target", "why"), [
    ("https://elsewhere.example.org/x", "not allowed: an operator lists allowed hosts in CAESER_WEBHOOK_HOSTS"),
    ("http://hooks.example.com/other", "must use https"),
    ("https://user:pw@hooks.example.com/x", "user name or password"),
    ("nosuchname", "no webhook named 'nosuchname'"),
    ("https://gone.example.com/x", "does not resolve"),
])
def test_the_allow_list_decides_before_any_lookup(allowed: Settings, target: str, why: str) -> None:
    settings = allowed.model_copy(update={"webhook_hosts": allowed.webhook_hosts + ",gone.example.com"})
    with pytest.raises(WebhookRefused, match=why):
        check_destination(target, settings, resolve)


def test_allowed_destinations_and_their_labels(allowed: Settings) -> None:
    assert configured_webhooks(allowed) == {"team": "https://hooks.example.com/T1", "2": "http://hooks.example.com/plain"}
    named = check_destination("team", allowed, resolve)
    assert (named.url, named.label, named.addresses) == ("https://hooks.example.com/T1", "team", [PUBLIC])
    assert check_destination("http://hooks.example.com/plain", allowed, resolve).label == "hooks.example.com"  # http written by the operator
    assert check_destination("https://hooks.example.com/other/path", allowed, resolve).url.endswith("/other/path")


def test_the_request_is_pinned_to_the_checked_address(allowed: Settings) -> None:
    url, headers, extensions = pinned_url(check_destination("https://hooks.example.com:8443/T1?x=1", allowed, resolve))
    assert str(url) == f"https://{PUBLIC}:8443/T1?x=1"
    assert headers == {"Host": "hooks.example.com:8443"} and extensions == {"sni_hostname": "hooks.example.com"}


@pytest.mark.parametrize("channel", ["webhook:http://127.0.0.1:8080/admin", "webhook:https://169.254.169.254/latest/meta-data/",
                                     "webhook:https://metadata.example.com/x", "webhook:https://10.0.0.5/x", "webhook:https://elsewhere.example.org/x"])
def test_watch_hype_refuses_them_when_the_watch_is_set(allowed: Settings, monkeypatch: pytest.MonkeyPatch, channel: str) -> None:
    monkeypatch.setattr(webhooks, "system_resolve", resolve)
    with pytest.raises(ToolError) as caught:
        watch_hype(WatchHypeInput(subject="Stanley", threshold=70, channel=channel), ToolContext(settings=allowed))
    assert caught.value.info.field == "channel" and caught.value.message.startswith("I can't post alerts there:")


def test_with_nothing_configured_no_webhook_is_accepted(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks, "system_resolve", resolve)
    with pytest.raises(ToolError, match="CAESER_WEBHOOK_HOSTS"):
        watch_hype(WatchHypeInput(subject="Stanley", threshold=70, channel="webhook:https://hooks.example.com/x"), ToolContext(settings=settings))
