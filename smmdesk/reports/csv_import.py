"""Planned posts from a CSV file: preview every row, then import all or nothing.

The file format (columns, delimiters, line numbers) and the reading of its
rows are in ``csv_rows``; this module decides whether each row can become a
post, and creates the posts.

``preview_import`` checks every row and says in plain words why a row is
refused ("line 4: no account @foo for Kafija Rīga"); it writes nothing.
``apply_import`` then creates the posts in the caller's transaction and
raises unless *every* row was accepted: the import is all or nothing.

Decisions worth knowing:

* a wall-clock time that does not exist on a daylight-saving day ("the
  clocks go forward") is refused; one that happens twice (the clocks go back)
  means the first of the two, as calendar apps do;
* text length is counted the way each network counts it
  (``core.text_length.measure``: graphemes, code points or UTF-16 units,
  URLs at their fixed length where the network says so), against
  ``max_text_length_with_media`` when there is an image and the network
  declares one;
* images are copied into the profile's media folder as ``<sha256><ext>`` and
  recorded once in ``media`` (``store.posts.store_media``, as the composer
  does), however many rows or earlier imports use the same picture. A copy
  made by an import whose transaction rolls back is removed again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from smmdesk.core.text_length import measure
from smmdesk.core.vocabulary import ContentType, PostStatus, TargetStatus
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import Capabilities, TextCounting
from smmdesk.reports.csv_rows import (
    CsvImportError,
    content_type_value,
    local_instant,
    parse_date,
    parse_time,
    read_rows,
)
from smmdesk.store.models import Account, Client, Post, PostMedia, PostTarget
from smmdesk.store.posts import MediaError, sniff_image, store_media

__all__ = [
    "CsvImportError",
    "ImportRefused",
    "RowResult",
    "apply_import",
    "network_name",
    "preview_import",
    "text_length",
    "text_limit",
]


class ImportRefused(ValueError):
    """``apply_import`` was given rows that were not all accepted."""


@dataclass(frozen=True)
class RowResult:
    """One data row of the file, checked."""

    line: int
    accepted: bool
    reason: str  # "" when accepted; otherwise "line 4: ..." in plain words
    scheduled_at: datetime | None  # aware UTC
    account_ids: tuple[int, ...]
    text: str
    content_type: str
    image: Path | None  # resolved path of the picture, if any


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


# --- text length, as each network counts it -------------------------------------


def text_length(text: str, counting: TextCounting | str, url_length: int | None = None) -> int:
    """The length of ``text`` the way a network counts it (``core.text_length``)."""
    return measure(text, str(counting), url_length)


def text_limit(capabilities: Capabilities, with_media: bool) -> int:
    if with_media and capabilities.max_text_length_with_media is not None:
        return capabilities.max_text_length_with_media
    return capabilities.max_text_length


def network_name(platform: str) -> str:
    try:
        return connector_class(platform).display_name or platform
    except KeyError:
        return platform


def _capabilities(platform: str) -> Capabilities | None:
    try:
        return connector_class(platform).capabilities
    except KeyError:
        return None


# --- accounts -------------------------------------------------------------------


def _handle_key(handle: str) -> str:
    return handle.strip().removeprefix("@").lower()


def _shown(token: str) -> str:
    return token if token.startswith("@") or ":" in token else f"@{token}"


class _AccountIndex:
    def __init__(self, accounts: Iterable[Account]) -> None:
        self.accounts = {a.id: a for a in accounts}
        self.by_handle: dict[str, list[Account]] = {}
        for account in self.accounts.values():
            self.by_handle.setdefault(_handle_key(account.handle), []).append(account)

    def match(self, token: str) -> list[Account]:
        platform, sep, handle = token.partition(":")
        if sep and platform.lower() in {a.platform for a in self.accounts.values()}:
            return [
                a for a in self.by_handle.get(_handle_key(handle), []) if a.platform == platform
            ]
        return self.by_handle.get(_handle_key(token), [])


# --- preview --------------------------------------------------------------------


def _check_row(
    line: int,
    cells: dict[str, str],
    client: Client,
    accounts: _AccountIndex,
    allowed_types: set[str],
    base: Path,
    now: datetime,
) -> RowResult:
    problems: list[str] = []

    scheduled_at: datetime | None = None
    day = parse_date(cells.get("date", ""))
    at = parse_time(cells.get("time", ""))
    if isinstance(day, str):
        problems.append(day)
    if isinstance(at, str):
        problems.append(at)
    if isinstance(day, date) and isinstance(at, time):
        scheduled_at = local_instant(day, at, client.timezone)
        if scheduled_at is None:
            problems.append(
                f"{cells['date']} {cells['time']} does not exist in {client.timezone} "
                "(the clocks go forward that night)"
            )
        elif scheduled_at <= now:
            problems.append("the time is in the past")

    picked: list[Account] = []
    tokens = [t for t in re.split(r"[\s,]+", cells.get("accounts", "")) if t]
    unknown, ambiguous = [], []
    for token in tokens:
        found = accounts.match(token)
        if not found:
            unknown.append(_shown(token))
        elif len(found) > 1:
            ambiguous.append((token, found))
        elif found[0] not in picked:
            picked.append(found[0])
    if not tokens:
        problems.append("no accounts given")
    if unknown:
        noun = "account" if len(unknown) == 1 else "accounts"
        problems.append(f"no {noun} {', '.join(unknown)} for {client.name}")
    for token, found in ambiguous:
        options = " or ".join(f"{a.platform}:{_shown(a.handle)}" for a in found)
        problems.append(f"{_shown(token)} is on several networks: write {options}")

    text = cells.get("text", "").strip()
    if not text:
        problems.append("text is empty")

    content_type = content_type_value(cells.get("type", ""))
    if content_type is None:
        problems.append(
            f"“{cells.get('type', '').strip()}” is not a content type "
            f"(use one of: {', '.join(k.value for k in ContentType)})"
        )
    elif allowed_types and content_type not in allowed_types:
        problems.append(f"{client.name} does not use the content type “{content_type}”")

    image: Path | None = None
    mime = ""
    size = 0
    written = cells.get("image", "").strip()
    if written:
        candidate = Path(written).expanduser()
        image = candidate if candidate.is_absolute() else base / candidate
        try:
            with image.open("rb") as f:
                head = f.read(32)
            size = image.stat().st_size
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            problems.append(f"image not found: {written}")
        except OSError as exc:
            problems.append(f"image cannot be read: {written} ({exc.strerror or exc})")
        else:
            kind = sniff_image(head)
            if kind is None:
                problems.append(f"{written} is not a PNG, JPEG, GIF or WebP image")
            else:
                mime = kind[0]

    for account in picked:
        caps = _capabilities(account.platform)
        if caps is None:
            continue
        name = network_name(account.platform)
        if text:
            limit = text_limit(caps, image is not None)
            length = text_length(text, caps.text_counting, caps.url_length)
            if length > limit:
                with_image = " with an image" if limit != caps.max_text_length else ""
                problems.append(
                    f"text is {length} characters; {name} ({_shown(account.handle)}) "
                    f"allows {limit}{with_image}"
                )
        if mime and mime not in caps.image_types:
            problems.append(f"{name} does not take {mime.split('/')[1].upper()} images")
        if mime and size > caps.max_image_bytes:
            problems.append(
                f"the image is {_size_text(size)}; {name} takes at most "
                f"{_size_text(caps.max_image_bytes)}"
            )

    return RowResult(
        line=line,
        accepted=not problems,
        reason=f"line {line}: " + "; ".join(dict.fromkeys(problems)) if problems else "",
        scheduled_at=scheduled_at,
        account_ids=tuple(a.id for a in picked),
        text=text,
        content_type=content_type or cells.get("type", "").strip(),
        image=image,
    )


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise CsvImportError("The client no longer exists.")
    return client


def _active_accounts(session: Session, client_id: int) -> list[Account]:
    return list(
        session.scalars(
            select(Account)
            .where(Account.client_id == client_id, Account.archived_at.is_(None))
            .order_by(Account.id)
        )
    )


def preview_import(
    session: Session, client_id: int, csv_path: Path, *, now: datetime | None = None
) -> list[RowResult]:
    """Check every data row of ``csv_path`` for the client; write nothing.

    Raises ``CsvImportError`` when the file as a whole cannot be used.
    """
    client = _client(session, client_id)
    rows = read_rows(csv_path)
    accounts = _AccountIndex(_active_accounts(session, client_id))
    try:
        allowed = {str(t) for t in json.loads(client.content_types or "[]")}
    except (ValueError, TypeError):
        allowed = set()
    moment = now or datetime.now(UTC)
    base = csv_path.resolve().parent
    results = []
    for row in rows:
        line, cells = row.line, row.cells
        if row.extra:
            results.append(
                RowResult(
                    line=line,
                    accepted=False,
                    reason=f"line {line}: {row.extra} more value(s) than the header has columns "
                    "(does a text with a delimiter lack its quotes?)",
                    scheduled_at=None,
                    account_ids=(),
                    text=cells.get("text", "").strip(),
                    content_type=cells.get("type", ""),
                    image=None,
                )
            )
            continue
        results.append(_check_row(line, cells, client, accounts, allowed, base, moment))
    return results


# --- apply ----------------------------------------------------------------------


class _NewFiles:
    """Media files this import wrote: removed again if the transaction rolls back."""

    def __init__(self, session: Session) -> None:
        self.paths: list[Path] = []
        self.settled = False
        event.listen(session, "after_commit", self._keep)
        event.listen(session, "after_rollback", self._remove)

    def _keep(self, _session: Session) -> None:
        self.settled = True

    def _remove(self, _session: Session) -> None:
        if not self.settled:
            self.settled = True
            for path in self.paths:
                path.unlink(missing_ok=True)


def _store_image(
    session: Session, source: Path, media_dir: Path, known: dict[Path, int], new_files: _NewFiles
) -> int:
    """The media id of ``source``, stored once by content hash (``store.posts``)."""
    if source in known:
        return known[source]
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{source.name} cannot be read: {exc.strerror or exc}") from None
    kind = sniff_image(data[:16])
    if kind is None:
        raise ImportRefused(f"{source.name} is no longer a PNG, JPEG, GIF or WebP image.")
    target = media_dir / f"{hashlib.sha256(data).hexdigest()}{kind[1]}"
    existed = target.exists()
    try:
        media_id = store_media(session, media_dir, source)
    except MediaError as exc:
        raise ImportRefused(str(exc)) from None
    if not existed and target.exists():
        new_files.paths.append(target)
    known[source] = media_id
    return media_id


def apply_import(
    session: Session, client_id: int, rows: list[RowResult], media_dir: Path
) -> list[int]:
    """Create a scheduled post for every row, in the caller's transaction.

    Raises ``ImportRefused`` (before writing anything) unless every row was
    accepted and its accounts still belong to the client. Returns the new
    post ids in the order of the rows.
    """
    refused = [r for r in rows if not r.accepted]
    if refused:
        shown = "\n".join(r.reason for r in refused[:10])
        more = f"\n…and {len(refused) - 10} more." if len(refused) > 10 else ""
        raise ImportRefused(
            f"Nothing was imported: {len(refused)} of {len(rows)} rows are refused.\n{shown}{more}"
        )
    _client(session, client_id)
    active = {a.id for a in _active_accounts(session, client_id)}
    for row in rows:
        if row.scheduled_at is None or not row.account_ids:
            raise ImportRefused(f"line {row.line}: the row has no time or no accounts.")
        if not set(row.account_ids) <= active:
            raise ImportRefused(
                f"line {row.line}: an account was removed or archived since the preview; "
                "check the file again."
            )
    new_files = _NewFiles(session)
    known: dict[Path, int] = {}
    post_ids = []
    for row in rows:
        post = Post(
            client_id=client_id,
            body=row.text,
            content_type=row.content_type,
            status=PostStatus.SCHEDULED.value,
            scheduled_at=row.scheduled_at,
        )
        for account_id in row.account_ids:
            post.targets.append(
                PostTarget(account_id=account_id, status=TargetStatus.PENDING.value)
            )
        if row.image is not None:
            media_id = _store_image(session, row.image, media_dir, known, new_files)
            post.media.append(PostMedia(media_id=media_id, position=0))
        session.add(post)
        session.flush()
        post_ids.append(post.id)
    return post_ids
