"""The Ideas panel against a fake feed server on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from smmdesk.core.vocabulary import PostStatus
from smmdesk.store import ideas
from smmdesk.store.models import IdeaSource, Post
from smmdesk.sync.feeds import FeedPoller
from smmdesk.ui.ideas.ideas_panel import ERROR_COLOUR, IdeasPanel
from tests.fakes.feed_server import FeedServer, item, rss

ENTRIES = [
    item(
        "<b>Octopus Day</b> is coming",
        guid="1",
        link="https://kafija.example/octopus",
        summary="<p>Eight arms, <i>eight</i> lattes</p>",
        published=datetime(2025, 10, 1, 8, 0, tzinfo=UTC),
    ),
    item("Cardamom season", guid="2", link="https://kafija.example/cardamom"),
]


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with FeedServer() as server:
        yield server


@pytest.fixture
def poller(coordinator):
    poller = FeedPoller(coordinator, timeout=5.0)
    yield poller
    poller.stop()


@pytest.fixture
def panel(qtbot, store, reader, poller):
    panel = IdeasPanel(store, reader.db, poller)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    return panel


def add_feed_through_the_dialog(qtbot, panel, url):
    dialog = panel.add_feed()
    assert dialog is panel.dialog and dialog.isVisible()
    qtbot.keyClicks(dialog.url, url)
    dialog.ok_button.click()
    return dialog


def test_without_a_client_the_panel_says_what_to_do(panel):
    assert panel.pages.currentWidget() is panel.hint
    assert panel.hint.text() == "Choose a client to see its ideas"
    assert panel.add_feed() is None


def test_a_feed_added_in_the_panel_brings_ideas_that_become_drafts(
    qtbot, panel, store, client_id, server
):
    url = server.route("/feed.xml", rss("Kafija blog", ENTRIES))
    panel.set_client(client_id)
    assert panel.ideas_model.rowCount() == 0

    dialog = add_feed_through_the_dialog(qtbot, panel, url)

    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: panel.ideas_model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: panel.sources_model.cell(0, 1).startswith("ok · checked"))
    assert panel.sources_model.cell(0, 0) == "Kafija blog"
    titles = [panel.ideas_model.cell(r, 0) for r in range(2)]
    assert "Octopus Day is coming" in titles  # markup from the feed is gone
    assert panel.ideas_model.cell(0, 1) == "Kafija blog"

    row = titles.index("Octopus Day is coming")
    panel.ideas_table.selectRow(row)
    assert panel.idea_body.toPlainText() == "Eight arms, eight lattes"
    assert panel.idea_link.text() == "https://kafija.example/octopus"
    assert panel.idea_link.textFormat() == Qt.TextFormat.PlainText
    assert panel.idea_title.textFormat() == Qt.TextFormat.PlainText

    with qtbot.waitSignal(panel.draft_created, timeout=1000) as blocker:
        panel.draft_button.click()
    post_id = blocker.args[0]
    with store.session() as session:
        post = session.get(Post, post_id)
        assert post.status == PostStatus.DRAFT and post.client_id == client_id
        assert (
            "Octopus Day is coming" in post.body and "https://kafija.example/octopus" in post.body
        )
    assert panel.ideas_model.cell(row, 3) == "drafted"
    assert panel.draft_button.text() == "Open the draft"

    with qtbot.waitSignal(panel.draft_created, timeout=1000) as again:
        panel.draft_button.click()
    assert again.args == [post_id]
    with store.session() as session:
        assert len(session.scalars(select(Post)).all()) == 1


def test_an_invalid_address_is_explained_and_kept(qtbot, panel, store, client_id):
    panel.set_client(client_id)
    dialog = add_feed_through_the_dialog(qtbot, panel, "kafija.example/feed")
    assert dialog.isVisible()
    assert "https://" in dialog.error.text()
    assert dialog.url.text() == "kafija.example/feed"
    with store.session() as session:
        assert session.scalars(select(IdeaSource)).all() == []
    dialog.reject()


def test_a_failing_feed_shows_its_error_in_red(qtbot, panel, store, client_id, server):
    url = server.fail("/gone.xml", 404)
    panel.set_client(client_id)
    add_feed_through_the_dialog(qtbot, panel, url)
    qtbot.waitUntil(
        lambda: panel.sources_model.cell(0, 1).startswith("The feed answered 404 Not Found"),
        timeout=5000,
    )
    assert "next try" in panel.sources_model.cell(0, 1)
    index = panel.sources_model.index(0, 1)
    assert panel.sources_model.data(index, Qt.ItemDataRole.ForegroundRole) == ERROR_COLOUR
    assert panel.ideas_model.rowCount() == 0

    # The feed is fixed; "Check now" reads it again.
    server.route("/gone.xml", rss("Back again", ENTRIES))
    panel.sources_table.selectRow(0)
    panel.check_button.click()
    qtbot.waitUntil(lambda: panel.ideas_model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: panel.sources_model.cell(0, 1).startswith("ok"))


def test_ideas_are_written_down_dismissed_and_restored(qtbot, panel, store, client_id):
    panel.set_client(client_id)
    dialog = panel.add_idea()
    dialog.ok_button.click()
    assert dialog.isVisible() and "title" in dialog.error.text()
    qtbot.keyClicks(dialog.title, "Ask: which roast do you like?")
    dialog.notes.setPlainText("With a photo of three bags")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert panel.ideas_model.rowCount() == 1
    assert panel.current_idea().title == "Ask: which roast do you like?"

    panel.dismiss_button.click()
    assert panel.ideas_model.rowCount() == 0
    panel.show_dismissed.setChecked(True)
    assert panel.ideas_model.cell(0, 3) == "dismissed"
    panel.ideas_table.selectRow(0)
    assert panel.dismiss_button.text() == "Restore"
    panel.dismiss_button.click()
    panel.show_dismissed.setChecked(False)
    assert panel.ideas_model.rowCount() == 1


def test_removing_a_feed_keeps_its_ideas(qtbot, panel, store, client_id):
    with store.transaction() as session:
        source_id = ideas.add_source(session, client_id, "https://kafija.example/feed.xml", "Blog")
        ideas.store_feed_entries(session, source_id, [ideas.FeedEntry("g", "From the blog")])
    panel.set_client(client_id)
    assert panel.sources_model.cell(0, 1) == "not checked yet"
    panel.sources_table.selectRow(0)
    panel.remove_button.click()
    assert panel.sources_model.rowCount() == 0
    assert panel.ideas_model.rowCount() == 1
    assert "stay" in panel.message.text()


def test_only_the_shown_client_reloads(qtbot, panel, client_id, poller):
    panel.set_client(client_id)
    calls = []
    panel.reload_ideas = lambda: calls.append("ideas")  # type: ignore[method-assign]
    poller.ideas_changed.emit(client_id + 1)
    assert calls == []
    poller.ideas_changed.emit(client_id)
    assert calls == ["ideas"]
