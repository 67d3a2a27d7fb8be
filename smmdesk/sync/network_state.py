"""Online or offline, decided cheaply and never on a blocking call.

Two sources feed it. Qt's ``QNetworkInformation`` (netlink on Linux, the
system's own APIs elsewhere) says when the machine has no network at all; it
reads local state and sends nothing. And jobs report what they saw: when a
request fails because no connection could be made, the app goes offline at
once, then tries again after a pause (``retry_seconds``), so a laptop that
wakes up in a café resumes on its own without anyone pinging a server.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)


class NetworkState(QObject):
    online_changed = Signal(bool)

    def __init__(self, retry_seconds: float = 60.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._online = True
        self._system_offline = False
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(int(retry_seconds * 1000))
        self._retry.timeout.connect(self._try_again)
        self._info = None

    def watch_system(self) -> None:
        """Follow the operating system's reachability, where Qt has a backend."""
        from PySide6.QtNetwork import QNetworkInformation

        feature = QNetworkInformation.Feature.Reachability
        if not QNetworkInformation.loadBackendByFeatures(feature):
            log.info("no network-information backend: relying on request outcomes")
            return
        info = QNetworkInformation.instance()
        if info is None:
            return
        self._info = info
        info.reachabilityChanged.connect(self._on_reachability)
        self._on_reachability(info.reachability())

    @property
    def online(self) -> bool:
        return self._online

    def report_unreachable(self) -> None:
        """A request could not connect at all: go offline and retry later."""
        self._set(False)
        if not self._system_offline:
            self._retry.start()

    def report_reachable(self) -> None:
        self._set(True)

    def _on_reachability(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        disconnected = reachability == QNetworkInformation.Reachability.Disconnected
        self._system_offline = disconnected
        if disconnected:
            self._retry.stop()
        self._set(not disconnected)

    def _try_again(self) -> None:
        if not self._system_offline:
            self._set(True)

    def _set(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)
