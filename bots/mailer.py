"""Report e-mail over SMTP (the standard library's smtplib), configured from the environment.

CAESER_SMTP_URL says where and how: `smtp://user:pass@host:587` sends with STARTTLS (refusing a
server that does not offer it), `smtps://user:pass@host:465` over TLS from the first byte, and
`smtp+plain://host:25` without TLS (a relay on the same host or network only); user and password
are URL-encoded and optional. CAESER_SMTP_FROM is the From address. The password is never logged
nor put in an error. Each e-mail carries `Message-ID: <run key@caeser>`, so a re-send after an
unknown outcome (the server accepted, we crashed before recording it) is recognisable as a copy.
Outcomes follow bots/delivery.py: 4xx replies and network errors retry, 5xx replies fail.
"""
from __future__ import annotations

import mimetypes
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel

from bots.delivery import Outcome
from memory.settings import Settings

TIMEOUT_S = 30.0
SCHEMES = {"smtp": 587, "smtps": 465, "smtp+plain": 25}


class SmtpConfig(BaseModel):
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str


def smtp_config(settings: Settings) -> SmtpConfig:
    """The SMTP server from CAESER_SMTP_URL / CAESER_SMTP_FROM; ValueError saying what to set (never echoing the URL)."""
    if settings.smtp_url is None or not settings.smtp_from:
        raise ValueError("e-mail is not configured: set CAESER_SMTP_URL (e.g. smtp://user:password@smtp.company.com:587) and CAESER_SMTP_FROM")
    url = urlsplit(settings.smtp_url.get_secret_value().strip())
    if url.scheme not in SCHEMES or not url.hostname:
        raise ValueError(f"CAESER_SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)} and name a host")
    return SmtpConfig(scheme=url.scheme, host=url.hostname, port=url.port or SCHEMES[url.scheme], user=unquote(url.username) if url.username else None,
                      password=unquote(url.password) if url.password else None, sender=settings.smtp_from)


def build_email(sender: str, to: str, subject: str, text: str, attachments: list[Path], message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = sender, to, subject, f"<{message_id}@caeser>"
    message.set_content(text)
    for path in attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return message


def send_email(settings: Settings, message: EmailMessage) -> Outcome:
    """Send one e-mail; the Outcome says delivered, retry (4xx, network) or failed (5xx, configuration)."""
    try:
        config = smtp_config(settings)
    except ValueError as exc:
        return Outcome(status="failed", error=str(exc))
    context = ssl.create_default_context()
    try:
        if config.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if config.scheme == "smtp":
                if not client.has_extn("starttls"):
                    return Outcome(status="failed", error=f"the SMTP server {config.host} does not offer STARTTLS (use smtps:// or, on a local relay, smtp+plain://)")
                client.starttls(context=context)
                client.ehlo()
            if config.user:
                client.login(config.user, config.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        return Outcome(status="failed", error=f"the SMTP server {config.host} refused the login ({exc.smtp_code})")
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return Outcome(status="retry" if all(400 <= c < 500 for c in codes) else "failed", error=f"the SMTP server refused {', '.join(exc.recipients)} ({codes[0]})")
    except smtplib.SMTPResponseException as exc:
        return Outcome(status="retry" if 400 <= exc.smtp_code < 500 else "failed", error=f"the SMTP server {config.host} answered {exc.smtp_code} {_text(exc.smtp_error)}")
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(status="retry", error=f"could not reach the SMTP server {config.host}:{config.port} ({type(exc).__name__})")
    if refused:
        return Outcome(status="failed", error=f"the SMTP server refused {', '.join(refused)}")
    return Outcome(status="delivered")


def _text(raw: bytes | str) -> str:
    return (raw.decode(errors="replace") if isinstance(raw, bytes) else raw)[:160]
