"""Captchas a network asked a person to read (VK error 14), and their answers.

A captcha is never retried by itself: the account pauses, the picture's
address waits here (in the account's non-secret settings) until the user
answers, and the answer goes back with the account's next request
(``ConnectorConfig.options["captcha_sid"]`` and ``["captcha_key"]``). The
next request that succeeds forgets it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import AccountStatus
from smmdesk.store.clients import account_settings
from smmdesk.store.models import Account

SID, IMAGE, KEY = "captcha_sid", "captcha_image_url", "captcha_key"
#: How long an account waits for its captcha before its jobs run (and ask) again.
CAPTCHA_PAUSE = timedelta(hours=24)


@dataclass(frozen=True)
class PendingCaptcha:
    account_id: int
    handle: str
    platform: str
    sid: str
    image_url: str


def _save(account: Account, settings: dict[str, str]) -> None:
    account.settings_json = json.dumps(settings, sort_keys=True)


def ask_captcha(account: Account, sid: str, image_url: str, now: datetime | None = None) -> None:
    """Pause the account until the user reads the picture."""
    now = now or datetime.now(UTC)
    settings = account_settings(account)
    settings.pop(KEY, None)
    settings[SID], settings[IMAGE] = sid, image_url
    _save(account, settings)
    account.status = AccountStatus.ERROR
    account.status_message = (
        f"{account.platform.upper()} asks you to type the characters from a picture: "
        "Sync → Answer a captcha…"
    )
    account.paused_until = now + CAPTCHA_PAUSE


def pending_captchas(session: Session) -> list[PendingCaptcha]:
    found = []
    for account in session.scalars(select(Account).where(Account.archived_at.is_(None))):
        settings = account_settings(account)
        if settings.get(IMAGE) and settings.get(SID):
            found.append(
                PendingCaptcha(
                    account.id, account.handle, account.platform, settings[SID], settings[IMAGE]
                )
            )
    return found


def answer_captcha(session: Session, account_id: int, answer: str) -> None:
    """Keep the answer for the account's next request, and let its jobs run again."""
    if not answer.strip():
        raise ValueError("Type the characters you see in the picture.")
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(f"There is no account {account_id}.")
    settings = account_settings(account)
    settings.pop(IMAGE, None)
    settings[KEY] = answer.strip()
    _save(account, settings)
    account.status = AccountStatus.OK
    account.status_message = ""
    account.paused_until = None


def forget_captcha(account: Account) -> None:
    """After a request went through: the answer is spent."""
    settings = account_settings(account)
    if any(key in settings for key in (SID, IMAGE, KEY)) and not settings.get(IMAGE):
        for key in (SID, KEY):
            settings.pop(key, None)
        _save(account, settings)
