"""Invariant 1: no secret is ever written to the store, a log or an error.

A sentinel token goes through the real flows (connect, sync, publish, a
refused connect, failures that end in account error states), with logging
on at DEBUG into the profile's log folder. Then every file in the profile is
searched for it, byte for byte.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from smmdesk.logs import close_logging, setup_logging
from smmdesk.store.models import Post, PostTarget
from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
from smmdesk.sync.jobs import JobContext, JobFailure
from smmdesk.sync.publish_job import PublishTargetJob

SENTINEL = "sandbox-SENTINEL-7f3a9c1e5b2d"


def test_sentinel_secret_never_reaches_the_profile_folder(
    profile, store, vault, factory, client_id
):
    setup_logging(profile.log_file, level=logging.DEBUG)
    try:
        job = ConnectAccountJob(
            store, vault, factory, client_id, "sandbox", {"token": SENTINEL, "handle": "kafija"}
        )
        account_id = job.run(JobContext(1)).account_id
        logging.getLogger("smmdesk.test").info("connected with %s", SENTINEL)
        SyncAccountJob(store, factory, account_id).run(JobContext(2))

        with store.transaction() as session:
            post = Post(client_id=client_id, body="Hello", status="scheduled")
            post.scheduled_at = datetime.now(UTC)
            post.targets.append(PostTarget(account_id=account_id))
            session.add(post)
            session.flush()
            target_id = post.targets[0].id
        PublishTargetJob(store, factory, target_id).run(JobContext(3))

        # A refused credential and an error state carrying a message.
        with pytest.raises(Exception):  # noqa: B017
            ConnectAccountJob(
                store, vault, factory, client_id, "sandbox", {"token": SENTINEL + "-revoked"}
            ).run(JobContext(4))
        failure = JobFailure.from_exception(RuntimeError(f"request failed for {SENTINEL}"))
        assert SENTINEL not in failure.message
        logging.getLogger("smmdesk.test").error("failure: %s", failure.message)
        try:
            raise ValueError(f"token was {SENTINEL}")
        except ValueError:
            logging.getLogger("smmdesk.test").exception("caught")
    finally:
        close_logging()
        store.close()

    files = [p for p in profile.root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)
    assert any(p.name.endswith(".sqlite3") for p in files)
    hits = [str(p) for p in files if SENTINEL.encode() in p.read_bytes()]
    assert hits == []
    log_text = profile.log_file.read_text("utf-8")
    assert "connected with [redacted]" in log_text
