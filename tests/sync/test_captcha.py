"""A captcha stops an account until a person answers it; the answer goes back once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smmdesk.core.vocabulary import TargetStatus
from smmdesk.platforms.base import CaptchaRequired
from smmdesk.store.captchas import answer_captcha, pending_captchas
from smmdesk.store.models import Account
from smmdesk.sync.due_targets import due_target_ids
from smmdesk.sync.publish_job import PublishTargetJob
from tests.sync import scripted_connector
from tests.sync.test_publishing_engine import account_id, add_post, network, run, target

__all__ = ["account_id", "network"]  # fixtures used by name
NOW = datetime.now(UTC)


def test_a_captcha_pauses_the_account_and_its_answer_goes_back_once(
    store, client_id, account_id, network, factory, monkeypatch
):
    seen_options: list[dict[str, str]] = []
    original = scripted_connector.ScriptedConnector.publish

    def publish(self, request):
        seen_options.append(dict(self.config.options))
        return original(self, request)

    monkeypatch.setattr(scripted_connector.ScriptedConnector, "publish", publish)
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(
        CaptchaRequired("Captcha needed", sid="77", image_url="http://127.0.0.1:9/c.png")
    )
    with pytest.raises(CaptchaRequired):
        run(PublishTargetJob(store, factory, target_id))
    assert target(store, target_id).status == TargetStatus.PENDING
    with store.session() as session:
        assert [(c.sid, c.image_url) for c in pending_captchas(session)] == [
            ("77", "http://127.0.0.1:9/c.png")
        ]
        # Never looped: nothing is due for this account until it is answered.
        assert due_target_ids(session, datetime.now(UTC)) == []
    with store.transaction() as session, pytest.raises(ValueError):
        answer_captcha(session, account_id, "  ")
    with store.transaction() as session:
        answer_captcha(session, account_id, "x7kq")
    with store.session() as session:
        assert pending_captchas(session) == []
        assert due_target_ids(session, datetime.now(UTC)) == [target_id]
    run(PublishTargetJob(store, factory, target_id))
    assert target(store, target_id).status == TargetStatus.PUBLISHED
    assert seen_options[-1]["captcha_sid"] == "77" and seen_options[-1]["captcha_key"] == "x7kq"
    with store.session() as session:
        assert "captcha" not in session.get(Account, account_id).settings_json
