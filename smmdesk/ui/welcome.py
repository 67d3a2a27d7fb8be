"""The first screen of an empty profile: try the demo, or start for real.

It is an empty profile's first paint, which comes before the application
style sheet (see ``theme``): it carries its own. A profile with clients
never shows it, so the page is laid out (and styled) the first time it is
shown, not when the main window is built.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.ui.theme import BUTTON_QSS, LABEL_QSS, app_icon

STYLE = (
    """
#WelcomeTitle { font-size: 22pt; font-weight: 700; }
#WelcomeSubtitle { font-size: 11pt; color: #5b6475; }
#WelcomeCard { background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }
"""
    + LABEL_QSS
    + BUTTON_QSS
)


def _card(title: str, text: str, button: QPushButton) -> QFrame:
    card = QFrame()
    card.setObjectName("WelcomeCard")
    card.setFixedWidth(300)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(22, 20, 22, 20)
    heading = QLabel(title)
    heading.setObjectName("CardTitle")
    body = QLabel(text)
    body.setObjectName("CardText")
    body.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(body, 1)
    layout.addSpacing(12)
    layout.addWidget(button)
    return card


class WelcomePage(QWidget):
    demo_requested = Signal()
    add_client_requested = Signal()

    def __init__(self, demo_available: bool = True) -> None:
        super().__init__()
        self._demo_available = demo_available
        self._built = False
        self.demo_button = QPushButton("Explore the demo")
        self.demo_button.clicked.connect(self.demo_requested)
        self.add_button = QPushButton("Add your first client")
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.add_client_requested)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._built:
            self._built = True
            self._build()
        super().showEvent(event)

    def _build(self) -> None:
        self.setStyleSheet(STYLE)
        body = QWidget(self)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        title = QLabel("Welcome to SMM Desk")
        title.setObjectName("WelcomeTitle")
        subtitle = QLabel(
            "Plan posts, answer every comment in time and report to your clients:\n"
            "all your client brands in one window, working offline."
        )
        subtitle.setObjectName("WelcomeSubtitle")
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)

        cards = QHBoxLayout()
        cards.addStretch(1)
        if self._demo_available:
            cards.addWidget(
                _card(
                    "Look around first",
                    "Two sample clients with practice accounts, a month of posts, "
                    "an inbox full of comments and 90 days of follower history. "
                    "Nothing is sent anywhere; your own profile is not touched.",
                    self.demo_button,
                )
            )
            cards.addSpacing(18)
        cards.addWidget(
            _card(
                "Start with a client",
                "Add a client brand with its time zone and working hours, then "
                "connect its accounts. Passwords and tokens are kept in your "
                "system's keyring, never in a file.",
                self.add_button,
            )
        )
        cards.addStretch(1)

        layout = QVBoxLayout(body)
        layout.addStretch(2)
        layout.addWidget(logo, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(subtitle, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(28)
        layout.addLayout(cards)
        layout.addStretch(3)
        self._layout.addWidget(body)
        # Shown and laid out now, for this very paint: a widget added to a shown
        # one would otherwise show, and get its size, an event loop turn later.
        body.show()
        self._layout.activate()
