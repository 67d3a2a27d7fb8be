"""Signing in to Mastodon through the browser: app registration, PKCE, the
loopback listener, the pasted code, and the jobs that run them."""

from __future__ import annotations

import re
import threading
import time

import pytest
import requests

from smmdesk.platforms.base import AuthError, PermanentError, TransientError
from smmdesk.platforms.mastodon_oauth import (
    OOB_REDIRECT,
    BrowserLogin,
    LoginCancelled,
    Pkce,
    exchange_code,
    normalize_instance_url,
)
from smmdesk.sync.jobs import JobCancelled, JobContext
from smmdesk.sync.login_jobs import (
    ExchangePastedCodeJob,
    StartBrowserLoginJob,
    WaitForBrowserJob,
)
from tests.fakes.http_fake import Failure
from tests.fakes.mastodon_fake import MastodonFake
from tests.platforms.test_mastodon import make


@pytest.fixture
def fake():
    with MastodonFake() as server:
        yield server


def browser(url: str) -> requests.Response:
    """What the user's browser does: open the page, approve, follow the redirect."""
    return requests.get(url, timeout=5)


def code_on_page(page: str) -> str:
    match = re.search(r'class="oauth-code"[^>]*value="([^"]+)"', page)
    assert match is not None, page
    return match.group(1)


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("  https://mastodon.social/  ", "https://mastodon.social"),
        ("https://mastodon.social/@someone/123", "https://mastodon.social"),
        ("@me@fosstodon.org", "https://fosstodon.org"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("MASTODON.Example", "https://mastodon.example"),
    ],
)
def test_server_addresses_are_normalised(typed, url):
    assert normalize_instance_url(typed) == url


@pytest.mark.parametrize("typed", ["", "  ", "ftp://x.org", "https://", "has space.org"])
def test_unusable_server_addresses_are_explained(typed):
    with pytest.raises(PermanentError, match="address of your Mastodon server"):
        normalize_instance_url(typed)


def test_pkce_challenge_is_s256_of_the_verifier():
    import base64
    import hashlib

    pkce = Pkce.new()
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert pkce.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(pkce.verifier) <= 128 and pkce.state
    assert pkce.verifier not in repr(pkce)


def test_loopback_sign_in(fake):
    login = BrowserLogin.start(fake.base_url, timeout=2)
    try:
        [app] = fake.s["apps"].values()
        assert app["redirect_uris"] == [login.listener.redirect_uri, OOB_REDIRECT]
        assert app["scopes"] == "read write"
        assert login.listener.redirect_uri.startswith("http://127.0.0.1:")
        assert "code_challenge_method=S256" in login.loopback_url
        page = browser(login.loopback_url)
        assert page.status_code == 200 and "return to SMM Desk" in page.text
        token = login.wait_for_browser(5)
    finally:
        login.close()
    assert fake.oauth_code_checks == 1
    assert make(fake, token=token).validate().remote_id == fake.me
    assert app["secret"] not in repr(login) and login.pkce.verifier not in repr(login)


def test_pasted_code_sign_in(fake):
    login = BrowserLogin.start(fake.base_url, timeout=2)
    try:
        page = browser(login.paste_url)
        token = login.exchange_pasted("  " + code_on_page(page.text) + "\n")
    finally:
        login.close()
    assert make(fake, token=token).validate().handle.startswith("@me@")


def test_a_code_is_good_once_and_only_with_its_verifier(fake):
    login = BrowserLogin.start(fake.base_url, timeout=2)
    login.close()
    code = code_on_page(browser(login.paste_url).text)
    with pytest.raises(AuthError, match="did not accept the sign-in code"):
        exchange_code(fake.base_url, login.app, code, OOB_REDIRECT, Pkce.new())
    code = code_on_page(browser(login.paste_url).text)
    login.exchange_pasted(code)
    with pytest.raises(AuthError):
        login.exchange_pasted(code)
    with pytest.raises(AuthError, match="Paste the code"):
        login.exchange_pasted("   ")


def test_the_listener_ignores_a_forged_state_and_reports_a_refusal(fake):
    login = BrowserLogin.start(fake.base_url, timeout=2)
    forged = requests.get(f"{login.listener.redirect_uri}?code=evil&state=wrong", timeout=5)
    assert forged.status_code == 400
    elsewhere = requests.get(login.listener.redirect_uri.replace("/callback", "/x"), timeout=5)
    assert elsewhere.status_code == 404
    state = login.pkce.state
    denied = requests.get(
        f"{login.listener.redirect_uri}?error=access_denied&state={state}", timeout=5
    )
    assert "not granted" in denied.text
    with pytest.raises(AuthError, match="not granted"):
        login.wait_for_browser(5)


def test_waiting_ends_on_cancel_and_on_time_out(fake):
    login = BrowserLogin.start(fake.base_url, timeout=2)
    started = time.monotonic()
    with pytest.raises(LoginCancelled, match="did not come back in time"):
        login.wait_for_browser(0.3)
    assert time.monotonic() - started < 2
    login = BrowserLogin.start(fake.base_url, timeout=2)
    flag = threading.Event()
    threading.Timer(0.2, flag.set).start()
    with pytest.raises(LoginCancelled, match="cancelled"):
        login.wait_for_browser(30, flag.is_set)
    with pytest.raises(requests.ConnectionError):  # the listener is closed
        requests.get(login.listener.redirect_uri, timeout=2)


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.server_error(), TransientError),
        (Failure.status(404, {"error": "no"}), PermanentError),
        (Failure.status(422, {"error": "Validation failed"}), PermanentError),
        (Failure.status(200, {"client_id": 5}), Exception),
    ],
)
def test_registration_failures(fake, failure, error):
    fake.fail_next(failure, path_prefix="/api/v1/apps")
    with pytest.raises(error):
        BrowserLogin.start(fake.base_url, timeout=2)


def test_the_jobs_sign_in_by_browser_and_by_paste(fake):
    ctx = JobContext(1)
    started = StartBrowserLoginJob("mastodon", fake.base_url + "/").run(ctx)
    assert "authorize" in started.authorize_url and repr(started).count("verifier") == 0
    browser(started.authorize_url)
    signed_in = WaitForBrowserJob(started, wait=5).run(ctx)
    assert signed_in.access_token in fake.s["tokens"]
    assert signed_in.access_token not in repr(signed_in)

    started = StartBrowserLoginJob("mastodon", fake.base_url).run(ctx)
    code = code_on_page(browser(started.paste_url).text)
    assert ExchangePastedCodeJob(started, code).run(ctx).access_token in fake.s["tokens"]
    started.login.close()


def test_a_cancelled_wait_job_ends_as_cancelled(fake):
    ctx = JobContext(1)
    started = StartBrowserLoginJob("mastodon", fake.base_url).run(ctx)
    threading.Timer(0.2, ctx._cancel.set).start()
    with pytest.raises(JobCancelled):
        WaitForBrowserJob(started, wait=30).run(ctx)


def test_only_networks_with_a_browser_sign_in(fake):
    from smmdesk.platforms.base import Unsupported

    with pytest.raises(Unsupported):
        StartBrowserLoginJob("sandbox", fake.base_url).run(JobContext(1))
