"""Sending an alert to a webhook: the destination is checked again at send time (a watch stored
before the rules, a name whose DNS answer changed), the request goes to the address that was
checked, redirects are not followed and the receiver's body never reaches users. Receivers are
stand-ins on loopback addresses; DNS is a resolver stand-in."""
from __future__ import annotations

import datetime
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bots.delivery import Sender
from memory.settings import Settings
from memory.tables import HypeAlert
from tests.httpstub import LoopbackServer, QuietHandler
from tools.webhooks import check_destination

PUBLIC = "93.184.216.34"


class Receiver(LoopbackServer):
    """Records every request (path, Host, body) and answers with `reply` (status, headers, body)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.seen: list[tuple[str, str, dict]] = []
        self.reply: tuple[int, dict[str, str], dict] = (200, {}, {"ok": True})
        self.lock = threading.Lock()
        rec = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with rec.lock:
                    rec.seen.append((self.path, self.headers.get("Host", ""), body | {"_key": self.headers.get("Idempotency-Key")}))
                status, headers, answer = rec.reply
                self.reply_json(status, answer, headers)

        super().__init__(Handler, host)


class Resolver:
    """DNS stand-in: `answers[host]` is a list of answers, one per lookup (the last one repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = {host: list(seq) for host, seq in answers.items()}

    def __call__(self, host: str, port: int) -> list[str]:
        seq = self.answers.get(host) or [[host]]  # an address literal resolves to itself
        return seq.pop(0) if len(seq) > 1 else seq[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as rec:
        yield rec


def alert(channel: str, text: str = "Stanley hype is 80/100") -> HypeAlert:
    return HypeAlert(id=1, watch_id=1, crossing=1, alert_key="alert-key-1", subject="Stanley", channel=channel, score=80.0, text=text, attempts=1)


def sender(settings: Settings, resolve: Resolver, **config: str) -> Sender:
    return Sender(settings.model_copy(update=config), httpx.Client(timeout=5), resolve)


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/admin", "https://evil.example.com:{port}/x", "https://169.254.169.254/latest/meta-data/",
                                    "https://ten.example.com/x", "named"])
def test_internal_destinations_are_refused_when_sent(settings: Settings, receiver: Receiver, target: str) -> None:
    port = receiver.server.server_address[1]
    resolve = Resolver({"evil.example.com": [["127.0.0.1"]], "ten.example.com": [["10.0.0.8"]]})
    config = {"webhook_hosts": "evil.example.com,ten.example.com,169.254.169.254", "alert_webhooks": f"http://127.0.0.1:{port}/admin,named=https://evil.example.com/n"}
    outcome = sender(settings, resolve, **config).send(alert("webhook:" + target.format(port=port)))
    assert outcome.status == "failed" and outcome.error.startswith("webhook refused:")
    assert receiver.seen == []


def test_a_name_that_rebinds_to_an_internal_address_after_the_watch_was_set_is_refused(settings: Settings, receiver: Receiver) -> None:
    resolve = Resolver({"hooks.example.com": [[PUBLIC], ["169.254.169.254"]]})
    config = {"webhook_hosts": "hooks.example.com"}
    assert check_destination("https://hooks.example.com/x", settings.model_copy(update=config), resolve).addresses == [PUBLIC]  # set: fine
    outcome = sender(settings, resolve, **config).send(alert("webhook:https://hooks.example.com/x"))
    assert outcome.status == "failed" and "169.254.169.254" in outcome.error and "link-local" in outcome.error


def test_the_request_goes_to_the_checked_address_with_the_name_as_host(settings: Settings, receiver: Receiver) -> None:
    port = receiver.server.server_address[1]
    resolve = Resolver({"hooks.internal.test": [["127.0.0.1"]]})
    config = {"alert_webhooks": f"team=http://hooks.internal.test:{port}/hook", "webhook_private_nets": "127.0.0.1/32"}  # an operator's in-VPC receiver
    assert sender(settings, resolve, **config).send(alert("webhook:team")).status == "delivered"
    [(path, host, body)] = receiver.seen
    assert (path, host, body["_key"], body["score"]) == ("/hook", f"hooks.internal.test:{port}", "alert-key-1", 80.0)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed(settings: Settings, receiver: Receiver, status: int) -> None:
    with Receiver("127.0.0.2") as target:
        receiver.reply = (status, {"Location": f"{target.base_url}/steal"}, {})
        config = {"alert_webhooks": f"team={receiver.base_url}/hook", "webhook_private_nets": "127.0.0.1/32"}
        outcome = sender(settings, Resolver({}), **config).send(alert("webhook:team"))
        assert outcome.status == "failed" and f"redirect (HTTP {status})" in outcome.error and "not followed" in outcome.error
        assert len(receiver.seen) == 1 and target.seen == []


def test_the_receivers_answer_never_reaches_users(settings: Settings, receiver: Receiver) -> None:
    receiver.reply = (403, {}, {"admin_password": "hunter2", "internal": "root:x:0:0"})
    config = {"alert_webhooks": f"team={receiver.base_url}/hook", "webhook_private_nets": "127.0.0.1/32"}
    outcome = sender(settings, Resolver({}), **config).send(alert("webhook:team"))
    assert outcome.status == "failed" and outcome.error == "webhook team refused the alert: HTTP 403"


def test_slack_alert_text_cannot_ping_the_channel(settings: Settings, receiver: Receiver) -> None:
    config = {"slack_api_url": receiver.base_url + "/slack"}
    s = Sender(settings.model_copy(update=config | {"slack_bot_token": SecretStr("xoxb-test")}), httpx.Client(timeout=5))
    assert s.send(alert("slack:C0TEST", text="<!channel> Stanley <@U123> hype is 80/100")).status == "delivered"
    [(_path, _host, body)] = receiver.seen
    assert "<!" not in body["text"] and "<@" not in body["text"] and "&lt;!channel&gt;" in body["text"]
    assert "<!" not in json.dumps(body["blocks"])


def certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for `name` (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False).sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


@pytest.mark.parametrize(("served_name", "delivered"), [("hooks.test", True), ("someone-else.test", False)])
def test_https_to_the_checked_address_still_verifies_the_certificate_for_the_name(settings: Settings, tmp_path: Path, served_name: str, delivered: bool) -> None:
    """The connection goes to 127.0.0.1, yet TLS checks the certificate against `hooks.test`: the
    right certificate is accepted, another name's is not (pinning never turns verification off)."""
    cert, key = certificate(tmp_path, served_name)
    with Receiver() as receiver:
        server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_tls.load_cert_chain(cert, key)
        receiver.server.socket = server_tls.wrap_socket(receiver.server.socket, server_side=True)
        client_tls = ssl.create_default_context(cafile=str(cert))
        config = {"alert_webhooks": f"team=https://hooks.test:{receiver.server.server_address[1]}/hook", "webhook_private_nets": "127.0.0.1/32"}
        s = Sender(settings.model_copy(update=config), httpx.Client(timeout=5, verify=client_tls), Resolver({"hooks.test": [["127.0.0.1"]]}))
        outcome = s.send(alert("webhook:team"))
    if delivered:
        assert outcome.status == "delivered" and [host for _p, host, _b in receiver.seen] == [f"hooks.test:{receiver.server.server_address[1]}"]
    else:
        assert outcome.status == "retry" and "could not reach webhook" in outcome.error and receiver.seen == []
