"""Where a scheduled report goes, as text users and stores share: channels as alerts name them
('slack:#brand', 'discord:<channel id>', 'webhook:<name or https URL>'), 'email:<address>' and
'sheets:<spreadsheet id or URL>[/<tab>]'. Parsing only: whether a webhook may be used is
`tools.webhooks`' decision, whether SMTP/Sheets are configured the sender's."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from engines.hype.watch import parse_channel

DestinationKind = Literal["slack", "discord", "webhook", "email", "sheets"]
DEFAULT_TAB = "caeser"
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
SHEET_URL = re.compile(r"https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]{20,})")
SHEET_ID = re.compile(r"[A-Za-z0-9_-]{10,}")
FORMS = "'slack:#channel', 'discord:<channel id>', 'email:name@company.com', 'sheets:<spreadsheet id>[/<tab>]' or 'webhook:<name>'"


class Destination(BaseModel):
    kind: DestinationKind
    target: str  # channel, webhook, address, or spreadsheet id
    tab: str | None = None  # sheets only

    @property
    def text(self) -> str:
        """The stored form (parse_destination(d.text) == d)."""
        return f"{self.kind}:{self.target}" + (f"/{self.tab}" if self.tab else "")


def parse_destination(text: str) -> Destination:
    """A destination from its text form; ValueError naming the accepted forms otherwise."""
    kind, _, target = text.strip().partition(":")
    kind, target = kind.strip().lower(), target.strip()
    if kind in ("email", "mailto"):
        if not EMAIL.fullmatch(target):
            raise ValueError(f"{target!r} is not an e-mail address (write it as 'email:name@company.com')")
        return Destination(kind="email", target=target)
    if kind in ("sheets", "sheet", "gsheet"):
        url = SHEET_URL.match(target)
        sheet, _, tab = (url.group(1), "", "") if url else target.partition("/")
        if not SHEET_ID.fullmatch(sheet):
            raise ValueError(f"{target!r} is not a Google spreadsheet id or URL (write 'sheets:<id from the sheet's URL>/<tab>')")
        return Destination(kind="sheets", target=sheet, tab=tab.strip() or DEFAULT_TAB)
    try:
        channel = parse_channel(text)
    except ValueError:
        raise ValueError(f"unknown destination {text.strip()!r}: use {FORMS}") from None
    return Destination(kind=channel.kind, target=channel.target)
