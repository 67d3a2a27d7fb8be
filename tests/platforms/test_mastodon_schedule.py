"""Mastodon's own scheduler: hand a post off, move it, change it, withdraw it,
and find out afterwards whether it went out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smmdesk.core.retry_policy import new_idempotency_key
from smmdesk.platforms.base import ConnectorError, PermanentError, PublishRequest, ScheduledState
from tests.fakes.http_fake import Failure
from tests.fakes.mastodon_fake import MastodonFake
from tests.platforms.test_mastodon import make


@pytest.fixture
def fake():
    with MastodonFake() as server:
        yield server


@pytest.fixture
def connector(fake):
    connector = make(fake)
    yield connector
    connector.close()


def later(minutes: float) -> datetime:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).replace(microsecond=0)


def test_schedule_hands_the_post_to_the_server(fake, connector):
    at = later(30)
    key = new_idempotency_key()
    scheduled = connector.schedule(PublishRequest("Tomorrow's news", (), key), at)
    assert scheduled.scheduled_at == at
    stored = fake.s["scheduled"][scheduled.remote_id]
    assert stored["params"]["text"] == "Tomorrow's news"
    sent = fake.requests_to("POST", "/api/v1/statuses")[0]
    assert sent.form()["scheduled_at"] == [at.isoformat().replace("+00:00", "Z")]
    assert sent.headers["idempotency-key"] == key
    assert fake.statuses_by(fake.me) == []
    # a retry with the same key gets the same scheduled post back
    again = make(fake).schedule(PublishRequest("Tomorrow's news", (), key), at)
    assert again.remote_id == scheduled.remote_id and len(fake.s["scheduled"]) == 1


def test_schedule_with_an_image(fake, connector, tmp_path: Path):
    image = tmp_path / "a.png"
    image.write_bytes(b"\x89PNG" + b"\0" * 16)
    fake.media_processing_polls = 1
    scheduled = connector.schedule(PublishRequest("with picture", (image,)), later(10))
    assert len(fake.s["scheduled"][scheduled.remote_id]["params"]["media_ids"]) == 1


@pytest.mark.parametrize("minutes", [4, 0, -60])
def test_less_than_five_minutes_ahead_is_refused_plainly(fake, connector, minutes):
    with pytest.raises(PermanentError, match="at least 5 minutes ahead"):
        connector.schedule(PublishRequest("too soon"), later(minutes))
    assert fake.count("POST", "/api/v1/statuses") == 0


def test_a_naive_time_counts_as_utc(fake, connector):
    at = later(20)
    scheduled = connector.schedule(PublishRequest("naive"), at.replace(tzinfo=None))
    assert scheduled.scheduled_at == at


def test_update_time_only_moves_it(fake, connector):
    scheduled = connector.schedule(PublishRequest("move me", (), new_idempotency_key()), later(30))
    new_at = later(90)
    moved = connector.update_scheduled(scheduled.remote_id, PublishRequest("move me"), new_at)
    assert moved.remote_id == scheduled.remote_id and moved.scheduled_at == new_at
    assert fake.count("PUT", f"/api/v1/scheduled_statuses/{scheduled.remote_id}") == 1
    assert len(fake.s["scheduled"]) == 1
    # the same time again: nothing to send
    connector.update_scheduled(scheduled.remote_id, PublishRequest("move me"), new_at)
    assert fake.count("PUT", f"/api/v1/scheduled_statuses/{scheduled.remote_id}") == 1


def test_update_text_re_creates_it(fake, connector):
    key = new_idempotency_key()
    scheduled = connector.schedule(PublishRequest("old words", (), key), later(30))
    at = later(45)
    changed = connector.update_scheduled(
        scheduled.remote_id, PublishRequest("new words", (), key), at
    )
    assert changed.remote_id != scheduled.remote_id and changed.scheduled_at == at
    assert list(fake.s["scheduled"]) == [changed.remote_id]
    assert fake.s["scheduled"][changed.remote_id]["params"]["text"] == "new words"


def test_update_text_is_safe_to_retry_when_withdrawing_failed(fake, connector):
    key = new_idempotency_key()
    scheduled = connector.schedule(PublishRequest("v1", (), key), later(30))
    at = later(40)
    fake.fail_next(Failure.server_error(), method="DELETE", path_prefix="/api/v1/scheduled")
    fake.fail_next(Failure.server_error(), method="DELETE", path_prefix="/api/v1/scheduled")
    with pytest.raises(ConnectorError):
        connector.update_scheduled(scheduled.remote_id, PublishRequest("v2", (), key), at)
    # neither the old nor a stray new one may both go out
    assert len(fake.s["scheduled"]) <= 2
    changed = connector.update_scheduled(scheduled.remote_id, PublishRequest("v2", (), key), at)
    assert list(fake.s["scheduled"]) == [changed.remote_id]


def test_update_of_a_post_that_already_went_out_is_refused(fake, connector):
    scheduled = connector.schedule(PublishRequest("gone"), later(10))
    fake.advance(11 * 60)
    with pytest.raises(PermanentError, match="no longer waiting"):
        connector.update_scheduled(scheduled.remote_id, PublishRequest("gone!"), later(30))


def test_cancel_withdraws_it_and_a_second_cancel_is_fine(fake, connector):
    scheduled = connector.schedule(PublishRequest("never mind"), later(30))
    connector.cancel_scheduled(scheduled.remote_id)
    assert fake.s["scheduled"] == {}
    connector.cancel_scheduled(scheduled.remote_id)
    fake.advance(3600)
    assert fake.statuses_by(fake.me) == []


def test_check_while_waiting_after_it_went_out_and_after_it_vanished(fake, connector):
    scheduled = connector.schedule(PublishRequest("Launch day! 🚀"), later(10))
    assert connector.check_scheduled(scheduled.remote_id, "Launch day! 🚀") == ScheduledState(True)
    fake.advance(11 * 60)
    state = connector.check_scheduled(scheduled.remote_id, "Launch day! 🚀")
    assert not state.pending and state.published is not None
    [status] = fake.statuses_by(fake.me)
    assert state.published.remote_id == status["id"]
    assert state.published.url.endswith(f"/@me/{status['id']}")

    connector.delete_post(status["id"])  # deleted on the network afterwards
    assert connector.check_scheduled(scheduled.remote_id, "Launch day! 🚀") == ScheduledState(
        False, None
    )
