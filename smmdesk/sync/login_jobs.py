"""Signing in through the browser, as background jobs (Mastodon's OAuth).

Three small jobs, so the GUI can act between them on its own thread:

1. ``StartBrowserLoginJob`` opens the one-shot loopback listener and registers
   SMM Desk on the server; its result carries the two authorize URLs. The
   dialog opens the first in the browser.
2. ``WaitForBrowserJob`` waits (cancellable, at most ``LOGIN_WAIT_SECONDS``)
   for the browser to come back to the listener, then exchanges the code.
3. ``ExchangePastedCodeJob`` exchanges a code the user pasted from the
   server's out-of-band page instead; the dialog then cancels job 2.

The result is a ``SignedIn`` holding the access token (never in its repr);
the dialog puts it in the token field and connects the account the usual
way (``ConnectAccountJob``), so a browser sign-in and a pasted token end in
the same place. The platform layer does the HTTP (``mastodon_oauth``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smmdesk.platforms.base import Unsupported
from smmdesk.platforms.mastodon_oauth import BrowserLogin, LoginCancelled, normalize_instance_url
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobCancelled, JobContext

#: How long the app waits for the user to approve in the browser.
LOGIN_WAIT_SECONDS = 300.0
#: Networks whose sign-in this module knows.
BROWSER_LOGIN_PLATFORMS = frozenset({"mastodon"})


def login_base_url(factory: ConnectorFactory, platform: str, typed: str) -> str:
    """The server to sign in to: the factory's override (tests), else what was typed.

    Mirrors ``ConnectorFactory.build`` so that sign-in and connect talk to
    the same server.
    """
    return factory.base_urls.get(platform, "") or typed.strip()


@dataclass(frozen=True)
class BrowserLoginStarted:
    """A sign-in under way: where to send the browser, and the state to finish it."""

    login: BrowserLogin = field(repr=False)
    authorize_url: str = field(repr=False)
    paste_url: str = field(repr=False)


@dataclass(frozen=True)
class SignedIn:
    access_token: str = field(repr=False)


class StartBrowserLoginJob(Job[BrowserLoginStarted]):
    title = "Preparing the sign-in"
    needs_network = True

    def __init__(self, platform: str, base_url: str, timeout: float = 20.0) -> None:
        self.platform, self.base_url, self.timeout = platform, base_url, timeout

    def run(self, ctx: JobContext) -> BrowserLoginStarted:
        if self.platform not in BROWSER_LOGIN_PLATFORMS:
            raise Unsupported("This network has no browser sign-in; paste its credential.")
        login = BrowserLogin.start(normalize_instance_url(self.base_url), self.timeout)
        if ctx.cancelled:
            login.close()
            raise JobCancelled()
        return BrowserLoginStarted(login, login.loopback_url, login.paste_url)


class WaitForBrowserJob(Job[SignedIn]):
    title = "Waiting for the browser"

    def __init__(
        self, started: BrowserLoginStarted, wait: float = LOGIN_WAIT_SECONDS, timeout: float = 20.0
    ) -> None:
        self.started, self.wait, self.timeout = started, wait, timeout

    def run(self, ctx: JobContext) -> SignedIn:
        try:
            token = self.started.login.wait_for_browser(
                self.wait, lambda: ctx.cancelled, self.timeout
            )
        except LoginCancelled:
            if ctx.cancelled:
                raise JobCancelled() from None
            raise
        return SignedIn(token)


class ExchangePastedCodeJob(Job[SignedIn]):
    title = "Finishing the sign-in"
    needs_network = True

    def __init__(self, started: BrowserLoginStarted, code: str, timeout: float = 20.0) -> None:
        self.started, self.code, self.timeout = started, code, timeout

    def run(self, ctx: JobContext) -> SignedIn:
        return SignedIn(self.started.login.exchange_pasted(self.code, self.timeout))
