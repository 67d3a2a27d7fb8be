"""Logging: the rotating file, secret redaction, and the uncaught-exception hooks."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from smmdesk import logs
from smmdesk.logs import (
    REDACTED,
    SecretRedactor,
    close_logging,
    install_exception_hooks,
    redact,
    register_secret,
    setup_logging,
    uninstall_exception_hooks,
)

log = logging.getLogger("smmdesk.tests.logs")

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def _secret(label: str = "secret") -> str:
    return f"{label}-{uuid.uuid4().hex}"


def _marked_handlers() -> list[logging.Handler]:
    return [
        h for h in logging.getLogger("smmdesk").handlers if getattr(h, "_smmdesk_handler", False)
    ]


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "smmdesk.log"
    setup_logging(path, level=logging.DEBUG)
    yield path
    close_logging()


def _read(path: Path) -> str:
    for handler in _marked_handlers():
        handler.flush()
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# Redaction in the file


def test_registered_secret_is_redacted_in_message_and_args(log_file):
    secret = _secret()
    register_secret(secret)

    log.info("token is %s", secret)
    log.info("inline: " + secret)
    log.warning("in a dict: %r", {"value": secret, "other": 1})
    log.info("%(who)s has %(what)s", {"who": "alice", "what": secret})

    text = _read(log_file)
    assert secret not in text
    assert text.count(REDACTED) == 4
    assert "alice has [redacted]" in text


@pytest.mark.parametrize(
    ("message", "raw"),
    [
        (f"POST https://api.telegram.org/bot{BOT_TOKEN}/sendMessage", BOT_TOKEN),
        (f"token {BOT_TOKEN} rejected", BOT_TOKEN),
        ("headers: Authorization: Bearer eyJhbGciOi.abcdef.ghijk", "eyJhbGciOi"),
        ("headers {'Authorization': 'OAuth vk1.a.Zm9vYmFy', 'Accept': 'json'}", "vk1.a.Zm9v"),
        ("got Bearer abcdefghijkLMNOP from cache", "abcdefghijkLMNOP"),
        ("GET /v1/me?access_token=EAAGm0PX4ZCpsBAKZB&fields=id", "EAAGm0PX4ZCpsBAKZB"),
        ("login form user=alice&password=hunter2hunter2", "hunter2hunter2"),
        ('body {"identifier": "alice", "app_password": "abcd-efgh-ijkl-mnop"}', "abcd-efgh"),
        (
            'session {"accessJwt": "eyJ0eXAiOiJhdCtqd3Qi", "did": "did:plc:x"}',
            "eyJ0eXAiOiJhdCtqd3Qi",
        ),
    ],
)
def test_token_shapes_are_redacted_without_registration(log_file, message, raw):
    log.info("%s", message)

    text = _read(log_file)
    assert raw not in text
    assert REDACTED in text


def test_ordinary_text_is_left_alone():
    text = "posted at 12:34:56 to channel -1001234567890; authorization failed; id=42"
    assert redact(text) == text


def test_short_values_are_not_registered():
    register_secret("abc")
    register_secret("12345")
    assert redact("abc 12345 abcdef") == "abc 12345 abcdef"


def test_redact_catches_encoded_forms_of_a_registered_secret():
    secret = f"p@ss word/{uuid.uuid4().hex[:8]}"
    register_secret(secret)
    assert redact(f"url ?pw2={'p%40ss%20word%2F'}{secret[-8:]}") == f"url ?pw2={REDACTED}"
    assert secret not in redact(f"plain {secret}")


def test_exception_traceback_is_redacted(log_file):
    secret = _secret("exc")
    register_secret(secret)

    def fail(value: str) -> None:
        raise ValueError(f"server rejected {value} at https://api.telegram.org/bot{BOT_TOKEN}/x")

    try:
        fail(secret)
    except ValueError:
        log.exception("request failed for %s", secret)

    text = _read(log_file)
    assert "Traceback (most recent call last)" in text
    assert "ValueError: server rejected [redacted]" in text
    assert secret not in text
    assert BOT_TOKEN not in text


def test_redactor_rewrites_the_record_itself():
    secret = _secret()
    register_secret(secret)
    record = logging.LogRecord("smmdesk.x", logging.INFO, __file__, 1, "a %s b", (secret,), None)

    assert SecretRedactor().filter(record)

    assert record.msg == f"a {REDACTED} b"
    assert record.args is None


# --------------------------------------------------------------------------
# Handlers


def test_rotation_and_format_are_configured(log_file):
    handlers = _marked_handlers()
    files = [h for h in handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    streams = [h for h in handlers if type(h) is logging.StreamHandler]

    assert len(files) == 1
    assert files[0].maxBytes == 1024 * 1024
    assert files[0].backupCount == 5
    assert files[0].encoding == "utf-8"
    assert Path(files[0].baseFilename) == log_file
    assert len(streams) == 1 and streams[0].level == logging.WARNING
    assert all(any(isinstance(f, SecretRedactor) for f in h.filters) for h in handlers)

    log.info("hello")
    line = _read(log_file).splitlines()[-1]
    assert re.match(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO +\[MainThread\] smmdesk\.tests\.logs: hello$",
        line,
    )

    files[0].doRollover()
    assert log_file.with_name("smmdesk.log.1").exists()


def test_setup_twice_does_not_add_handlers_twice(log_file):
    setup_logging(log_file, level=logging.DEBUG)
    setup_logging(log_file, level=logging.DEBUG)

    assert len(_marked_handlers()) == 2
    log.info("once")
    assert _read(log_file).count("once") == 1


def test_setup_again_moves_to_another_file(log_file, tmp_path):
    other = tmp_path / "other" / "smmdesk.log"
    setup_logging(other)

    log.info("to the other file")

    assert "to the other file" in _read(other)
    assert "to the other file" not in log_file.read_text(encoding="utf-8")
    assert len(_marked_handlers()) == 2


def test_stderr_gets_warnings_only_and_redacted(tmp_path, capsys):
    secret = _secret()
    register_secret(secret)
    setup_logging(tmp_path / "smmdesk.log")
    try:
        log.info("quiet info")
        log.warning("loud warning %s", secret)
    finally:
        close_logging()

    err = capsys.readouterr().err
    assert "quiet info" not in err
    assert "loud warning [redacted]" in err
    assert secret not in err


def test_level_is_applied(log_file):
    setup_logging(log_file, level=logging.WARNING)
    log.info("hidden")
    log.warning("shown")
    text = _read(log_file)
    assert "hidden" not in text and "shown" in text


# --------------------------------------------------------------------------
# Uncaught exceptions


@pytest.fixture
def reported(log_file: Path) -> Iterator[list[str]]:
    calls: list[str] = []
    install_exception_hooks(calls.append)
    yield calls
    uninstall_exception_hooks()


def test_hooks_are_installed_and_removed():
    before = (sys.excepthook, threading.excepthook)
    install_exception_hooks(None)
    try:
        assert sys.excepthook is not before[0]
        assert threading.excepthook is not before[1]
        install_exception_hooks(None)  # again: still one layer
    finally:
        uninstall_exception_hooks()
    assert (sys.excepthook, threading.excepthook) == before


def test_uncaught_exception_is_logged_and_reported_once(reported, log_file):
    secret = _secret("boom")
    register_secret(secret)
    try:
        raise RuntimeError(f"boom with {secret}\nsecond line")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())

    assert reported == ["RuntimeError: boom with [redacted]"]
    text = _read(log_file)
    assert "Uncaught exception in thread MainThread" in text
    assert "Traceback (most recent call last)" in text
    assert text.count("RuntimeError: boom with [redacted]") == 1
    assert secret not in text


def test_uncaught_exception_in_a_thread_is_logged_and_reported_once(reported, log_file):
    def work() -> None:
        raise KeyError(f"https://api.telegram.org/bot{BOT_TOKEN}/getUpdates")

    thread = threading.Thread(target=work, name="sync-worker-7")
    thread.start()
    thread.join()

    assert len(reported) == 1
    assert reported[0].startswith("KeyError: ")
    assert BOT_TOKEN not in reported[0]
    text = _read(log_file)
    assert "Uncaught exception in thread sync-worker-7" in text
    assert "[sync-worker-7]" in text
    assert "in work" in text  # the traceback
    assert BOT_TOKEN not in text


def test_each_exception_is_reported_once(reported):
    for index in range(3):
        thread = threading.Thread(target=lambda i=index: 1 / 0, name=f"w{index}")
        thread.start()
        thread.join()
    assert reported == ["ZeroDivisionError: division by zero"] * 3


def test_system_exit_in_a_thread_is_not_an_error(reported, log_file):
    thread = threading.Thread(target=sys.exit)
    thread.start()
    thread.join()
    assert reported == []
    assert "Uncaught" not in _read(log_file)


def test_a_failing_on_error_does_not_recurse_or_escape(log_file):
    calls: list[str] = []

    def on_error(message: str) -> None:
        calls.append(message)
        raise RuntimeError("the dialog broke")

    install_exception_hooks(on_error)
    try:
        try:
            raise ValueError("first")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # must not raise

        thread = threading.Thread(target=lambda: [][1], name="worker")
        thread.start()
        thread.join()
    finally:
        uninstall_exception_hooks()

    assert calls == ["ValueError: first", "IndexError: list index out of range"]
    text = _read(log_file)
    assert text.count("The error handler itself failed") == 2
    assert "the dialog broke" in text


def test_hooks_work_without_on_error_and_without_setup(caplog):
    secret = _secret()
    register_secret(secret)
    install_exception_hooks(None)
    try:
        try:
            raise OSError(f"disk gone {secret}")
        except OSError:
            sys.excepthook(*sys.exc_info())
    finally:
        uninstall_exception_hooks()
    # Not our handlers (pytest's), yet the traceback is there and redacted.
    assert "OSError: disk gone [redacted]" in caplog.text
    assert secret not in caplog.text


def test_short_message_is_one_short_line():
    message = logs._short_message(ValueError, ValueError("x" * 1000 + "\nmore"))
    assert "\n" not in message
    assert len(message) < 220
    assert logs._short_message(ValueError, ValueError()) == "ValueError"


def test_short_message_never_holds_part_of_a_secret():
    secret = _secret("long-secret-value")
    register_secret(secret)
    message = logs._short_message(ValueError, ValueError("x" * 190 + secret))
    assert secret[:10] not in message
