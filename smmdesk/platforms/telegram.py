"""Telegram: a channel, its discussion group, and a bot that is admin of both.

The user pastes a bot token from @BotFather and the channel (``@name`` or
its ``-100…`` id). ``validate`` checks, in this order, and says in plain
words what is missing: the token (``getMe``), the channel (``getChat``), the
bot's right to post there (``getChatMember``: an administrator with
``can_post_messages``), and the discussion group linked to the channel
(``linked_chat_id``) with the bot in it. Publishing needs only the channel,
so a missing or unreachable discussion group does not fail the connection;
the account connects with ``settings["warning"]`` saying what to fix (and
``settings["comments"]`` saying why: ``ok``, ``no_group``, ``not_in_group``
or ``cannot_read``). A webhook on the bot is reported the same way.

Posts: ``sendMessage`` (4096 UTF-16 units), ``sendPhoto`` (caption 1024) or
``sendMediaGroup`` (2–10 photos, caption on the first), all as plain text (no
``parse_mode``, so nothing the user typed is read as markup). The remote id
is the channel message id; an album's is all its ids comma-joined
(``"42,43,44"``), which ``delete_post`` removes together, ``edit_post``
recaptions through the first, and comments on the album carry as their
``post_remote_id``. Bots may delete posts only within 48 hours; later,
``delete_post`` says so (``Unsupported``).

Comments: the inbox reads ``getUpdates`` with ``timeout=0`` (it runs in a
job; it is not a long poll), see ``telegram_updates`` for the cursor and
``telegram_poll`` for bots shared by two accounts. Replies go to the
discussion group as replies to the comment. A 409 from ``getUpdates`` means
a webhook or another program reads the bot's updates. A webhook that the
user was warned about at connection is removed once (``deleteWebhook``,
keeping pending updates) because it is usually left over from an old
integration; if it comes back, something else owns the bot and the connector
stops and says so rather than fight over it. Another poller is never
interfered with: the sync fails with a clear message and retries later.

Edits and deletions: a comment edited in the group arrives as an
``edited_message`` update and is reported again with the same remote id,
the new text and ``edited=True``. A deleted comment is never reported: the
Bot API sends bots no update when a message is deleted, and it has no call
to read a message back, so ``removed`` is never set and the inbox keeps the
last text it saw. Bots cannot hide a comment (only delete it, which SMM Desk
never does) or list a thread's history, so ``hide_item``, ``unhide_item``
and ``fetch_thread`` stay ``Unsupported``.

Stats: subscribers from ``getChatMemberCount``. Telegram pushes reaction
counts with the updates (``message_reaction_count``, to admin bots, delayed
by minutes); they come back as ``InboxPage.post_stats`` and, from the stored
cursor, from ``fetch_post_stats`` together with the comments SMM Desk saw.
Views are not in the Bot API and are never invented.

A group upgraded to a supergroup (``migrate_to_chat_id``) is followed for
the one reply being sent; ``fetch_settings`` (a new validation) records the
new group. Comments are recognised by the automatic forwards of our channel,
not by a stored group id, so a new group is picked up without reconnecting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from smmdesk.core.retry_policy import key_time_ms
from smmdesk.core.text_length import count_utf16
from smmdesk.platforms import telegram_inbox as inbox
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    AuthError,
    BadResponse,
    Capabilities,
    Connector,
    ConnectorConfig,
    CredentialField,
    InboxPage,
    PermanentError,
    PostStats,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    TextCounting,
    Unsupported,
)
from smmdesk.platforms.telegram_api import (
    TOKEN_RE,
    TOKEN_REJECTED,
    BotApi,
    Migrated,
)
from smmdesk.platforms.telegram_poll import token_state
from smmdesk.platforms.telegram_setup import as_int, as_object, channel_ref, validate_account
from smmdesk.platforms.telegram_updates import (
    AccountView,
    Cursor,
    apply_events,
    post_url,
    unix_to_utc,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTOS = 10
MAX_PHOTO_BYTES = 10 * 1024 * 1024

TOO_OLD_TO_DELETE = (
    "Telegram lets a bot delete posts only within 48 hours; delete it in the Telegram app."
)


def message_ids(remote_id: str) -> list[int]:
    """The channel message ids in a remote id (``"42"`` or an album's ``"42,43"``)."""
    parts = [p.strip() for p in remote_id.split(",")]
    ids = [int(p) for p in parts if p.isascii() and p.isdigit() and len(p) < 16]
    if not ids or len(ids) != len(parts) or len(ids) > 100:
        raise PermanentError("This is not the id of a Telegram post made by SMM Desk.")
    return ids


class TelegramConnector(Connector):
    """A Telegram channel with its discussion group, through a bot."""

    platform = "telegram"
    display_name = "Telegram"
    capabilities = Capabilities(
        max_text_length=MAX_TEXT,
        text_counting=TextCounting.UTF16,
        max_text_length_with_media=MAX_CAPTION,
        max_images=MAX_PHOTOS,
        max_image_bytes=MAX_PHOTO_BYTES,
        image_types=("image/jpeg", "image/png"),
        native_scheduling=False,
        can_hide_comments=False,
        can_delete_comments=False,  # SMM Desk never deletes audience comments
        has_direct_messages=False,
        has_mentions=False,
    )
    credential_fields = (
        CredentialField(
            key="token",
            label="Bot token",
            secret=True,
            placeholder="123456789:AAE…",
            help_text=(
                "Create a bot with @BotFather in Telegram and paste the token it gives you. "
                "Use a bot only for SMM Desk: Telegram lets one program read a bot's messages."
            ),
        ),
        CredentialField(
            key="channel",
            label="Channel",
            secret=False,
            placeholder="@my_channel or -100…",
            help_text=(
                "Add the bot to the channel as an admin allowed to post messages. For comments, "
                "add it as an admin to the channel's discussion group too."
            ),
        ),
    )

    def __init__(
        self, config: ConnectorConfig, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(config)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._token = str(config.secret.get("token", "")).strip()
        self.api = BotApi(config.base_url, self._token, config.timeout)
        self._state = token_state(self._token)
        options = config.options
        self._channel_id = as_int(options.get("channel_id")) or as_int(config.remote_id) or 0
        self._channel_username = str(options.get("channel_username", ""))
        self._bot_id = as_int(options.get("bot_id")) or 0
        self._group_id = as_int(options.get("discussion_group_id")) or 0
        if self._channel_id:
            self._state.channels.add(self._channel_id)

    def close(self) -> None:
        self.api.close()

    # --- helpers ---------------------------------------------------------------------

    def _check_token(self) -> None:
        """Refuse a token that is not BotFather's shape before it goes into a URL."""
        if not TOKEN_RE.fullmatch(self._token):
            raise AuthError(TOKEN_REJECTED)

    def _chat(self) -> int | str:
        if self._channel_id:
            return self._channel_id
        return channel_ref(str(self.config.secret.get("channel", "")))

    def _now(self) -> datetime:
        return self._clock()

    @contextmanager
    def _bot_lock(self) -> Iterator[None]:
        """Take the per-token lock: two accounts of one bot never poll at once."""
        if not self._state.lock.acquire(timeout=max(1.0, self.config.timeout * 3)):
            raise inbox.busy_error()
        try:
            yield
        finally:
            self._state.lock.release()

    # --- connecting --------------------------------------------------------------------

    def validate(self) -> AccountIdentity:
        self._check_token()
        return validate_account(self.api, str(self.config.secret.get("channel", "")))

    def fetch_settings(self) -> dict[str, str]:
        """A new validation: picks up a newly linked or upgraded discussion group."""
        return dict(self.validate().settings)

    # --- publishing ---------------------------------------------------------------------

    def publish(self, request: PublishRequest) -> PublishedPost:
        self._check_token()
        photos = _read_photos(request.images)
        _check_length(request.text, bool(photos))
        chat = self._chat()
        if not photos:
            sent = [self.api.call("sendMessage", {"chat_id": chat, "text": request.text})]
        elif len(photos) == 1:
            params: dict[str, Any] = {"chat_id": chat}
            if request.text:
                params["caption"] = request.text
            sent = [self.api.call("sendPhoto", params, files={"photo": photos[0]})]
        else:
            media: list[dict[str, Any]] = []
            for index in range(len(photos)):
                item: dict[str, Any] = {"type": "photo", "media": f"attach://photo{index}"}
                if index == 0 and request.text:
                    item["caption"] = request.text
                media.append(item)
            files = {f"photo{i}": photo for i, photo in enumerate(photos)}
            result = self.api.call(
                "sendMediaGroup", {"chat_id": chat, "media": json.dumps(media)}, files=files
            )
            sent = result if isinstance(result, list) else []
        return self._published(sent)

    def _published(self, sent: list[Any]) -> PublishedPost:
        messages = [m for m in sent if isinstance(m, dict)]
        ids = [as_int(m.get("message_id")) for m in messages]
        if not messages or any(i is None or not 0 < i < 2**53 for i in ids):
            raise BadResponse("Telegram said the post was sent but not which message it became.")
        chat = messages[0].get("chat")
        chat = chat if isinstance(chat, dict) else {}
        channel_id = as_int(chat.get("id")) or self._channel_id
        username = str(chat.get("username") or self._channel_username)
        numbers = sorted(i for i in ids if i is not None)
        return PublishedPost(
            remote_id=",".join(str(i) for i in numbers),
            url=post_url(username, channel_id, numbers[0]),
            published_at=unix_to_utc(messages[0].get("date"), self._now()),
        )

    def delete_post(self, remote_id: str) -> None:
        self._check_token()
        ids = message_ids(remote_id)
        try:
            if len(ids) == 1:
                self.api.call("deleteMessage", {"chat_id": self._chat(), "message_id": ids[0]})
            else:
                self.api.call("deleteMessages", {"chat_id": self._chat(), "message_ids": ids})
        except PermanentError as exc:
            reason = str(exc).lower()
            if "can't be deleted" in reason or "cannot be deleted" in reason:
                raise Unsupported(TOO_OLD_TO_DELETE) from None
            if "not found" in reason:
                return  # already gone: what the user wanted
            raise

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        """New text for a post: the message text, or the caption of a photo or album.

        Photos cannot be swapped here. Which of the two a post has is not
        stored, so the request's images choose, and Telegram's "there is no
        text/caption" switches to the other method once.
        """
        self._check_token()
        ids = message_ids(remote_id)
        caption_first = len(ids) > 1 or bool(request.images)
        methods = ["editMessageCaption", "editMessageText"]
        if not caption_first:
            methods.reverse()
        for attempt, method in enumerate(methods):
            is_caption = method == "editMessageCaption"
            _check_length(request.text, is_caption)
            field = "caption" if is_caption else "text"
            params = {"chat_id": self._chat(), "message_id": ids[0], field: request.text}
            try:
                self.api.call(method, params)
                return
            except PermanentError as exc:
                reason = str(exc).lower()
                if "not modified" in reason:
                    return
                if attempt == 0 and "there is no" in reason:
                    continue
                if "not found" in reason:
                    raise PermanentError(
                        "This post is no longer in the channel, so it cannot be edited."
                    ) from None
                raise

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        """Whether an interrupted attempt reached the channel, from what the bot saw.

        The Bot API cannot list a channel's posts. What the bot does see is
        the discussion group's automatic forward of every channel post, so
        this looks for a forward of our text made after the key's time in
        the forwards the cursor remembers, in events another account of the
        bot holds for us, and in the updates still waiting on the server (a
        peek from the stored offset that confirms nothing new). Not found is
        "sure" only when the bot can see the group (validation said so, and
        it has seen at least one automatic forward: a brand-new account
        cannot tell yet) and nothing since the key can have escaped those
        three; otherwise the error says to check the channel. See
        ``telegram_inbox.sure_not_published``.
        """
        self._check_token()
        cursor = Cursor.parse(self.config.options.get("inbox_cursor"))
        cursor.shared = cursor.shared or len(self._state.channels) > 1
        since_ms = key_time_ms(idempotency_key)
        since = since_ms // 1000 - inbox.CLOCK_SLACK if since_ms is not None else None
        view = self._view(cursor)
        with self._bot_lock():
            offset = inbox.start_offset(cursor, int(self._now().timestamp()))
            peeked = inbox.get_updates(
                self.api, offset, cursor, self._state, may_remove_webhook=False
            )
            held = self._state.peek(view.owns)
            highest = self._state.highest_offset
        found = inbox.find_forward(cursor, view, held, peeked, text, since, self._now())
        if found is not None:
            remote_id, date = found
            first = message_ids(remote_id)[0]
            url = post_url(self._channel_username, self._channel_id or view.channel_id, first)
            return PublishedPost(remote_id, url, unix_to_utc(date, self._now()))
        # Seen forwards are the evidence that forwards reach the bot at all.
        can_see = self.config.options.get("comments", "ok") == "ok" and bool(cursor.forwards)
        if not can_see or since is None:
            raise PermanentError(inbox.CANNOT_TELL)
        inbox.sure_not_published(cursor, peeked, highest, since, self._now())
        return None

    # --- inbox ---------------------------------------------------------------------------

    def _view(self, cursor: Cursor) -> AccountView:
        view = AccountView(self._channel_id, self._channel_username, self._bot_id)
        if self._group_id:
            view.group_ids.add(self._group_id)
        view.group_ids.update(int(f[0]) for f in cursor.forwards)
        return view

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        self._check_token()
        state = Cursor.parse(cursor)
        view = self._view(state)
        now = self._now()
        with self._bot_lock():
            events = inbox.poll(self.api, state, self._state, view, int(now.timestamp()))
        items, stats = apply_events(events, state, view, now)
        return InboxPage(items, state.dump(int(now.timestamp())), stats)

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        self._check_token()
        chat_text, _, message_text = item.remote_id.rpartition(":")
        chat = as_int(chat_text) or self._group_id
        message_id = as_int(message_text)
        if not chat or message_id is None:
            raise PermanentError("SMM Desk cannot tell which Telegram comment this answers.")
        if not text.strip():
            raise PermanentError("Write a reply first: Telegram does not send empty messages.")
        _check_length(text, False)
        params: dict[str, Any] = {
            "chat_id": chat,
            "text": text,
            "reply_parameters": {"message_id": message_id},
        }
        try:
            sent = self.api.call("sendMessage", params)
        except Migrated as exc:
            chat = params["chat_id"] = exc.new_chat_id
            sent = self.api.call("sendMessage", params)
        except PermanentError as exc:
            if "not found" in str(exc).lower():
                raise PermanentError(
                    "This comment was deleted in Telegram, so the reply cannot be attached to it."
                ) from None
            raise
        new_id = as_int(as_object(sent, "message").get("message_id"))
        if new_id is None:
            raise BadResponse("Telegram said the reply was sent but not which message it became.")
        return f"{chat}:{new_id}"

    # --- stats ---------------------------------------------------------------------------

    def fetch_account_stats(self) -> AccountStats:
        self._check_token()
        count = as_int(self.api.call("getChatMemberCount", {"chat_id": self._chat()}))
        if count is None or not 0 <= count < 2**40:
            raise BadResponse("Telegram sent a subscriber count that is not a number.")
        return AccountStats(followers=count, measured_at=self._now())

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        """Reactions and comments SMM Desk has seen, from the stored cursor.

        Telegram pushes reaction totals instead of answering questions about
        them, so a post nobody reacted to since SMM Desk started reading is
        left out rather than reported as zero.
        """
        cursor = Cursor.parse(self.config.options.get("inbox_cursor"))
        return {
            rid: PostStats(likes=cursor.stats[rid][0], replies=cursor.stats[rid][1])
            for rid in remote_ids
            if rid in cursor.stats
        }


def _check_length(text: str, with_media: bool) -> None:
    limit = MAX_CAPTION if with_media else MAX_TEXT
    length = count_utf16(text)
    if length > limit:
        what = "a photo caption" if with_media else "a Telegram post"
        raise PermanentError(
            f"The text is {length} characters long; {what} can have at most {limit}. "
            "Shorten it, or publish the text as a separate post."
        )
    if not with_media and not text.strip():
        raise PermanentError("Write some text or add a photo: Telegram does not send empty posts.")


def _read_photos(paths: Sequence[Path]) -> list[tuple[str, bytes]]:
    if len(paths) > MAX_PHOTOS:
        raise PermanentError(f"Telegram takes at most {MAX_PHOTOS} photos in one post.")
    photos = []
    for path in paths:
        name = Path(path).name
        try:
            size = Path(path).stat().st_size
            if size > MAX_PHOTO_BYTES:
                raise PermanentError(
                    f"The image {name} is larger than Telegram's 10 MB limit for photos."
                )
            photos.append((name, Path(path).read_bytes()))
        except OSError as exc:
            raise PermanentError(
                f"SMM Desk cannot read the image {name}: {exc.strerror or exc}."
            ) from None
    return photos
