"""Sync → Answer a captcha…: show the network's picture, send the answer back.

The picture is fetched by a job (never on the GUI thread, and only from the
address the network named in its error); the answer is stored for the
account's next request, and the work that waited is started again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from smmdesk.store.captchas import PendingCaptcha, answer_captcha, pending_captchas
from smmdesk.sync.jobs import Job, JobContext

if TYPE_CHECKING:
    from smmdesk.store.database import Store
    from smmdesk.sync.coordinator import SyncCoordinator

#: A captcha picture is a few kilobytes; anything far larger is not one.
MAX_IMAGE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CaptchaImage:
    captcha: PendingCaptcha
    data: bytes


class FetchCaptchaImageJob(Job[CaptchaImage]):
    title = "Loading a captcha"
    quiet = True
    needs_network = True

    def __init__(self, captcha: PendingCaptcha) -> None:
        self.captcha = captcha

    def run(self, ctx: JobContext) -> CaptchaImage:
        import requests

        try:
            answer = requests.get(self.captcha.image_url, timeout=15, stream=True)
            answer.raise_for_status()
            data = answer.raw.read(MAX_IMAGE_BYTES + 1, decode_content=True)
        except requests.RequestException as error:
            raise ConnectionError(f"The captcha picture could not be loaded: {error}") from None
        if len(data) > MAX_IMAGE_BYTES:
            raise ValueError("The network sent something too large to be a captcha picture.")
        return CaptchaImage(self.captcha, data)


class CaptchaFlow:
    def __init__(self, parent: QWidget, store: Store, coordinator: SyncCoordinator) -> None:
        self.parent, self.store, self.coordinator = parent, store, coordinator

    def answer_pending(self) -> None:
        with self.store.session() as session:
            pending = pending_captchas(session)
        if not pending:
            QMessageBox.information(
                self.parent, "Captcha", "No network is waiting for a captcha right now."
            )
            return
        for captcha in pending:
            self.coordinator.submit(FetchCaptchaImageJob(captcha), self._show, self._failed)

    def _failed(self, failure: object) -> None:
        QMessageBox.warning(self.parent, "Captcha", getattr(failure, "message", str(failure)))

    def _show(self, image: CaptchaImage) -> None:
        from smmdesk.ui.clients.captcha_dialog import CaptchaDialog

        captcha = image.captcha
        dialog = CaptchaDialog(
            image.data,
            f"{captcha.platform.upper()} asks {captcha.handle} to type the characters "
            "in this picture before it takes more posts or replies.",
            self.parent,
        )
        answer = dialog.answer()
        if not answer:
            return
        self.submit_answer(captcha.account_id, answer)

    def submit_answer(self, account_id: int, answer: str) -> None:
        with self.store.transaction() as session:
            answer_captcha(session, account_id, answer)
        self.coordinator.publish_due()
        self.coordinator.sync_account(account_id)
