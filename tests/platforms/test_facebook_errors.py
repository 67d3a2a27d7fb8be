"""Every way a Graph call can fail, through the Facebook connector: the Graph error
object (190, permission codes, throttling with the usage headers, 368, 506, 1/2,
100), and what the wire can do (HTML, garbage, truncation, timeouts, drops)."""

from __future__ import annotations

import json
import time

import pytest

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    ConnectorError,
    NetworkUnreachable,
    PermanentError,
    PublishRequest,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.facebook import FacebookConnector
from smmdesk.platforms.graph_api import GraphClient, graph_code, usage_wait
from tests.fakes.graph_fake import GraphFake
from tests.fakes.http_fake import Failure


@pytest.fixture
def fake():
    with GraphFake() as server:
        yield server


@pytest.fixture
def page(fake):
    return fake.add_page()


@pytest.fixture
def connector(fake, page):
    connector = FacebookConnector(
        ConnectorConfig(
            secret={"page_token": page[1]},
            base_url=fake.base_url + "/v25.0",
            options={"page_id": page[0]},
            timeout=1.0,
        )
    )
    yield connector
    connector.close()


def graph_error(code: int, message: str, subcode: int | None = None, **extra: object) -> dict:
    error: dict = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return {"error": error}


@pytest.mark.parametrize(
    ("subcode", "words"),
    [(463, "expired"), (460, "password"), (458, "removed"), (None, "invalid or was revoked")],
)
def test_190_asks_to_connect_again(fake, page, connector, subcode, words):
    fake.fail_next(
        Failure.status(400, graph_error(190, f"Error validating access token {page[1]}", subcode))
    )
    with pytest.raises(AuthError, match=words) as caught:
        connector.publish(PublishRequest("x"))
    assert "Connect the account again" in str(caught.value)
    assert page[1] not in str(caught.value)
    assert graph_code(caught.value) == (190, subcode)


def test_permission_codes_name_the_missing_permission(fake):
    page_id, token = fake.add_page(permissions=("pages_read_engagement",))
    connector = FacebookConnector(
        ConnectorConfig(
            secret={"page_token": token}, base_url=fake.base_url, options={"page_id": page_id}
        )
    )
    with pytest.raises(AuthError, match="pages_manage_posts") as caught:
        connector.publish(PublishRequest("x"))
    assert graph_code(caught.value)[0] == 200


def test_a_permission_error_without_a_name_uses_what_the_call_needs(fake, connector):
    fake.fail_next(Failure.status(403, graph_error(10, "(#10) Permission denied")))
    with pytest.raises(AuthError, match="pages_manage_posts"):
        connector.publish(PublishRequest("x"))


def test_throttling_waits_for_the_business_use_case_estimate(fake, page, connector):
    usage = {
        page[0]: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 12,
                "total_time": 30,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    fake.fail_next(
        Failure.status(
            400,
            graph_error(80001, "There have been too many calls to this Page account."),
            {"X-Business-Use-Case-Usage": json.dumps(usage)},
        )
    )
    with pytest.raises(RateLimited) as caught:
        connector.publish(PublishRequest("x"))
    assert caught.value.retry_after == 7 * 60
    assert caught.value.retryable


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_throttling_codes_without_an_estimate_back_off(fake, connector, code):
    fake.fail_next(
        Failure.status(
            400,
            graph_error(code, "(#4) Application request limit reached"),
            {"X-App-Usage": '{"call_count":100,"total_cputime":5,"total_time":5}'},
        )
    )
    with pytest.raises(RateLimited) as caught:
        connector.fetch_account_stats()
    assert 60 <= caught.value.retry_after <= 3600


def test_http_429_with_retry_after(fake, connector):
    fake.fail_next(Failure.rate_limited(headers={"Retry-After": "42"}))
    with pytest.raises(RateLimited) as caught:
        connector.fetch_account_stats()
    assert caught.value.retry_after == 42


def test_a_full_usage_header_pauses_further_calls_without_sending_them(fake, page, connector):
    fake.usage_headers = {
        "X-Page-Usage": '{"call_count":100,"total_cputime":3,"total_time":4,'
        '"estimated_time_to_regain_access":2}'
    }
    connector.fetch_account_stats()  # this answer still counts
    fake.usage_headers = {}
    sent = len(fake.log)
    with pytest.raises(RateLimited) as caught:
        connector.fetch_account_stats()
    assert 100 <= caught.value.retry_after <= 120
    assert len(fake.log) == sent


def test_usage_headers_are_read_defensively():
    assert usage_wait({}) == (0.0, None)
    assert usage_wait({"X-App-Usage": "not json"}) == (0.0, None)
    assert usage_wait(
        {"x-business-use-case-usage": '{"1": "x", "2": [1, {"call_count": 80}]}'}
    ) == (
        80.0,
        None,
    )
    assert usage_wait({"X-App-Usage": '{"call_count": 95, "total_time": 101}'}) == (101.0, None)


def test_368_and_506_are_permanent_with_facebooks_words(fake, connector):
    fake.fail_next(
        Failure.status(
            400,
            graph_error(
                368, "It looks like you were misusing this feature by going too fast.", 1390008
            ),
        )
    )
    with pytest.raises(PermanentError, match=r"temporarily blocked.*going too fast") as caught:
        connector.publish(PublishRequest("x"))
    assert "AbC1" in str(caught.value)  # the trace id, for Meta's support
    assert not isinstance(caught.value, AuthError)
    fake.fail_next(Failure.status(400, graph_error(506, "Duplicate status message")))
    with pytest.raises(PermanentError, match="duplicate"):
        connector.publish(PublishRequest("y"))


@pytest.mark.parametrize(
    "error",
    [
        graph_error(1, "An unknown error occurred"),
        graph_error(2, "Service temporarily unavailable"),
        graph_error(100, "Something odd", is_transient=True),
    ],
)
def test_transient_graph_errors(fake, connector, error):
    fake.fail_next(Failure.status(500 if error["error"]["code"] == 1 else 400, error))
    with pytest.raises(TransientError):
        connector.publish(PublishRequest("x"))


def test_a_bad_parameter_is_permanent_with_the_message(fake, connector):
    fake.fail_next(Failure.status(400, graph_error(100, "(#100) Invalid parameter")))
    with pytest.raises(PermanentError, match="Invalid parameter"):
        connector.publish(PublishRequest("x"))


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.html(), BadResponse),
        (Failure.garbage(), BadResponse),
        (Failure.truncated(), TransientError),
        (Failure.slow(1.5), TransientError),
        (Failure.drop(), TransientError),
        (Failure.server_error(), TransientError),
        (Failure.status(200, []), BadResponse),
        (Failure.status(400, {"no": "error object"}), PermanentError),
    ],
)
def test_what_the_wire_can_do(fake, connector, failure, error):
    fake.fail_next(failure)
    started = time.monotonic()
    with pytest.raises(error):
        connector.fetch_account_stats()
    assert time.monotonic() - started < 5


def test_no_server_at_all(page):
    connector = FacebookConnector(
        ConnectorConfig(secret={"page_token": page[1]}, base_url="http://127.0.0.1:9", timeout=1.0)
    )
    with pytest.raises(NetworkUnreachable):
        connector.validate()


def test_paging_never_leaves_the_graph_host(fake, page):
    client = GraphClient(
        ConnectorConfig(secret={"page_token": page[1]}, base_url=fake.base_url, timeout=1.0)
    )
    with pytest.raises(BadResponse, match="another address"):
        client.get("https://evil.example/steal")
    assert fake.log == []


def test_paging_is_bounded_even_if_next_never_ends(fake, page):
    client = GraphClient(
        ConnectorConfig(secret={"page_token": page[1]}, base_url=fake.base_url, timeout=1.0)
    )
    loop = {"data": [{"id": "1"}], "paging": {"next": f"{fake.base_url}/{page[0]}/feed"}}
    fake.fail_next(Failure.status(200, loop), times=50)
    items = client.get_all(f"/{page[0]}/feed", max_pages=5)
    assert len(items) == 5
    assert fake.count("GET", f"/{page[0]}/feed") == 5


def test_errors_are_all_connector_errors(fake, connector):
    fake.fail_next(Failure.status(418, "teapot"))
    with pytest.raises(ConnectorError):
        connector.fetch_account_stats()


def test_a_permission_list_facebook_will_not_give_is_not_a_failure(fake, page, connector):
    fake.fail_next(Failure.status(403, graph_error(10, "(#10) Not allowed")), "GET", "/v25.0/debug")
    identity = connector.validate()
    assert "did not say" in identity.settings["warning"]
    fake.fail_next(Failure.status(400, graph_error(190, "expired", 463)), "GET", "/v25.0/debug")
    with pytest.raises(AuthError, match="expired"):
        connector.validate()


def test_code_10_outside_the_messaging_window_is_not_a_permission_problem(fake, connector):
    from datetime import UTC, datetime

    from smmdesk.platforms.base import InboxKind, RemoteInboxItem

    item = RemoteInboxItem("m_1", InboxKind.DIRECT_MESSAGE, "psid", "A", "hi", datetime.now(UTC))
    fake.fail_next(
        Failure.status(
            400,
            graph_error(10, "(#10) This message is sent outside of allowed window.", 2018065),
        )
    )
    with pytest.raises(PermanentError, match="24-hour window") as caught:
        connector.reply(item, "late")
    assert not isinstance(caught.value, AuthError)
