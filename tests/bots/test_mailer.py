"""SMTP configuration and refusals: clear reasons, the password never in them."""
from __future__ import annotations

from pydantic import SecretStr

from bots.mailer import build_email, send_email, smtp_config
from tests.bots.test_scheduler import Inbox, free_port


def test_config_errors_name_the_setting_not_the_secret(settings):
    assert smtp_config(settings.model_copy(update={"smtp_url": SecretStr("smtps://u:p%40ss@mail.example"), "smtp_from": "r@x.example"})).password == "p@ss"
    outcome = send_email(settings.model_copy(update={"smtp_url": SecretStr("ftp://u:hunter2@mail.example"), "smtp_from": "r@x.example"}),
                         build_email("r@x.example", "a@x.example", "s", "t", [], "k1"))
    assert outcome.status == "failed" and "CAESER_SMTP_URL must start with" in outcome.error and "hunter2" not in outcome.error
    assert "e-mail is not configured" in send_email(settings, build_email("r@x.example", "a@x.example", "s", "t", [], "k2")).error


def test_starttls_is_required_on_smtp_and_a_dead_server_is_retried(settings):
    from aiosmtpd.controller import Controller

    server = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        plain = settings.model_copy(update={"smtp_url": SecretStr(f"smtp://u:hunter2@127.0.0.1:{server.port}"), "smtp_from": "r@x.example"})
        outcome = send_email(plain, build_email("r@x.example", "a@x.example", "s", "t", [], "k3"))
        assert outcome.status == "failed" and "does not offer STARTTLS" in outcome.error and "hunter2" not in outcome.error
    finally:
        server.stop()
    gone = settings.model_copy(update={"smtp_url": SecretStr(f"smtp+plain://127.0.0.1:{free_port()}"), "smtp_from": "r@x.example"})
    assert send_email(gone, build_email("r@x.example", "a@x.example", "s", "t", [], "k4")).status == "retry"
