"""Logging for SMM Desk: one rotating log file per profile, and no secret in it.

``setup_logging`` puts two handlers on the ``smmdesk`` logger (every module
logs through ``logging.getLogger(__name__)``, so everything of ours lands
there): a rotating file (1 MB x 5 files, UTF-8) and stderr for warnings and
worse. Both carry a ``SecretRedactor`` filter, which rewrites each record
before any handler formats it:

- every value handed to ``register_secret`` (the vault registers each token
  and password it stores or reads) becomes ``[redacted]``, wherever it shows
  up: in the message, in its ``%``-arguments, in an exception's traceback;
- common token shapes are redacted even if nobody registered them: Telegram
  bot tokens (also inside ``/bot<token>/`` URLs), ``Bearer ...``,
  ``Authorization`` headers, ``access_token=``/``password=``-style query and
  form fields, and ``"password"``/``"app_password"``/``"token"``-style JSON or
  dict values.

``redact(text)`` applies the same rules to any text, for error messages that
the UI shows.

``install_exception_hooks`` routes uncaught exceptions from every thread (and
from Qt slots, which PySide6 reports through ``sys.excepthook``) into the log
with their traceback, then tells the GUI through a callback. The app keeps
running.

Logs from third-party libraries (``urllib3``, ``keyring``, ...) are not sent to
the file: they do not propagate into ``smmdesk``, and some of them log full
URLs, which for the Telegram Bot API contain the token.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

__all__ = [
    "REDACTED",
    "SecretRedactor",
    "close_logging",
    "install_exception_hooks",
    "redact",
    "register_secret",
    "setup_logging",
    "uninstall_exception_hooks",
]

REDACTED = "[redacted]"
ROOT_LOGGER = "smmdesk"
LOG_FORMAT = "%(asctime)s %(levelname)-8s [%(threadName)s] %(name)s: %(message)s"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
MIN_SECRET_LENGTH = 6

# --------------------------------------------------------------------------
# Redaction


_secrets_lock = threading.Lock()
_secrets: set[str] = set()
# One alternation of every registered secret, longest first, rebuilt on
# registration; None while nothing is registered. Readers take the reference
# without the lock (a single attribute read).
_secrets_pattern: re.Pattern[str] | None = None


def register_secret(value: str) -> None:
    """Make sure ``value`` never appears in a log record or in ``redact``'s output.

    Values shorter than 6 characters are ignored: redacting them would mangle
    ordinary words, and no token or password we store is that short. The
    URL-encoded and JSON-escaped forms of the value are registered too, so it
    is also caught inside a logged URL or JSON body. Thread-safe.
    """
    global _secrets_pattern
    if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
        return
    import json  # here, not at the top: start-up time (see setup_logging)

    forms = {value, quote(value, safe=""), json.dumps(value, ensure_ascii=False)[1:-1]}
    forms.add(json.dumps(value)[1:-1])
    forms = {form for form in forms if len(form) >= MIN_SECRET_LENGTH}
    with _secrets_lock:
        if forms <= _secrets:
            return
        _secrets.update(forms)
        ordered = sorted(_secrets, key=len, reverse=True)
        _secrets_pattern = re.compile("|".join(re.escape(secret) for secret in ordered))


# Keys whose values are credentials, in JSON, in dict reprs and in query strings.
_SECRET_KEYS = (
    r"access_?token|refresh_?token|id_token|access_?jwt|refresh_?jwt|app_?password"
    r"|password|passwd|client_secret|api_?key|secret|token"
)
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers, as text ("Authorization: Bearer x") or in a dict
    # repr / JSON ('Authorization': 'OAuth x'): the whole value goes.
    (
        re.compile(
            r"""(?i)(\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n]+""",
        ),
        rf"\1{REDACTED}",
    ),
    # Bearer tokens anywhere else.
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\1{REDACTED}"),
    # Telegram bot tokens, also inside https://api.telegram.org/bot<token>/...
    (re.compile(r"(?<!\d)\d{6,}:[A-Za-z0-9_-]{30,}"), REDACTED),
    # JSON or dict-repr values: "app_password": "x", 'token': 'x'.
    (
        re.compile(
            rf"""(?i)(["'](?:{_SECRET_KEYS})["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""",
        ),
        rf"\1\2{REDACTED}\2",
    ),
    # Query strings, form bodies and keyword reprs: access_token=x, password='x'.
    (
        re.compile(
            rf"""(?i)(?<![A-Za-z0-9])((?:{_SECRET_KEYS})=)(["']?)(?!\[redacted\])[^&\s"',;)}}\]#]+"""
        ),
        rf"\1\2{REDACTED}",
    ),
)


def redact(text: str) -> str:
    """``text`` with every registered secret and every known token shape redacted."""
    if not text:
        return text
    pattern = _secrets_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for shape, replacement in _SHAPES:
        text = shape.sub(replacement, text)
    return text


class SecretRedactor(logging.Filter):
    """Rewrites a record so that no handler can write a secret.

    The message is formatted with its arguments, redacted, and put back into
    ``record.msg`` with ``record.args`` cleared; the exception is formatted
    into ``record.exc_text`` (which formatters use instead of formatting it
    again) and redacted; so is ``record.stack_info``. The record is changed in
    place, so every later handler sees the redacted version too.
    """

    _exc_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what we have, redacted
            message = f"{record.msg!s} (arguments: {record.args!r})"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exc_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# --------------------------------------------------------------------------
# Handlers

_HANDLER_MARK = "_smmdesk_handler"
_setup_lock = threading.Lock()


def setup_logging(log_file: Path, level: int = logging.INFO, rotate: bool = True) -> None:
    """Send the ``smmdesk`` loggers to ``log_file`` (rotating) and warnings to stderr.

    Call it once, early, from the composition root. Calling it again replaces
    the handlers it added before (for instance to move to another profile's
    log file) instead of adding a second set. ``rotate=False`` appends to the
    file without rotating it: ``logging.handlers`` imports ``socket`` and
    ``pickle`` (~10 ms), so the app starts with a plain file and calls this
    again, rotating, once its window has painted.
    """
    log_file = Path(log_file)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter(LOG_FORMAT)
    redactor = SecretRedactor()

    file_handler: logging.Handler
    if rotate:
        from logging.handlers import RotatingFileHandler

        file_handler = RotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    else:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
    handlers: list[logging.Handler] = [file_handler]
    # A windowed PyInstaller app on Windows has no stderr at all.
    if sys.stderr is not None:
        stderr_handler = logging.StreamHandler(sys.stderr)
        stderr_handler.setLevel(logging.WARNING)
        handlers.append(stderr_handler)

    with _setup_lock:
        close_logging()
        logger = logging.getLogger(ROOT_LOGGER)
        logger.setLevel(level)
        for handler in handlers:
            handler.setFormatter(formatter)
            handler.addFilter(redactor)
            setattr(handler, _HANDLER_MARK, True)
            logger.addHandler(handler)


def close_logging() -> None:
    """Remove and close the handlers ``setup_logging`` added (flushes the file)."""
    logger = logging.getLogger(ROOT_LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            logger.removeHandler(handler)
            handler.close()


# --------------------------------------------------------------------------
# Uncaught exceptions

_crash_log = logging.getLogger(f"{ROOT_LOGGER}.crash")
_hook_state = threading.local()
_hooks_lock = threading.Lock()
_on_error: Callable[[str], None] | None = None
_original_excepthook: Callable[..., object] | None = None
_original_threading_excepthook: Callable[..., object] | None = None


def _short_message(exc_type: type[BaseException], exc_value: BaseException | None) -> str:
    # Redact before cutting, so a secret cut in half cannot slip through.
    text = redact(str(exc_value).strip()) if exc_value is not None else ""
    first_line = text.splitlines()[0] if text else ""
    if len(first_line) > 200:
        first_line = first_line[:199] + "…"
    name = exc_type.__name__
    return f"{name}: {first_line}" if first_line else name


def _report(
    exc_type: type[BaseException],
    exc_value: BaseException | None,
    exc_tb: TracebackType | None,
    thread_name: str,
) -> None:
    """Log one uncaught exception and tell the GUI once; never raises."""
    if getattr(_hook_state, "busy", False):
        # An exception while reporting an exception (on_error or logging
        # failed): write it down, but never loop back into on_error.
        _last_resort(exc_type, exc_value, exc_tb)
        return
    _hook_state.busy = True
    try:
        try:
            # Formatted and redacted here, so that the traceback is clean even
            # in handlers that are not ours (before setup_logging, or in tests).
            text = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
            _crash_log.error(
                "Uncaught exception in thread %s\n%s", thread_name, redact(text.rstrip())
            )
        except Exception:
            _last_resort(exc_type, exc_value, exc_tb)
        callback = _on_error
        if callback is not None:
            try:
                callback(_short_message(exc_type, exc_value))
            except Exception:
                try:
                    _crash_log.exception("The error handler itself failed")
                except Exception:
                    _last_resort(*sys.exc_info())
    finally:
        _hook_state.busy = False


def _last_resort(
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    exc_tb: TracebackType | None,
) -> None:
    stream = sys.__stderr__
    if stream is None or exc_type is None:
        return
    try:
        text = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
        stream.write(redact(text))
        stream.flush()
    except Exception:
        pass


def _excepthook(
    exc_type: type[BaseException], exc_value: BaseException, exc_tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_tb)
        return
    _report(exc_type, exc_value, exc_tb, threading.current_thread().name)


def _threading_excepthook(args: threading.ExceptHookArgs) -> None:
    if issubclass(args.exc_type, SystemExit):
        return  # what the default hook does: a thread may end itself this way
    name = args.thread.name if args.thread is not None else threading.current_thread().name
    _report(args.exc_type, args.exc_value, args.exc_traceback, name)


def install_exception_hooks(on_error: Callable[[str], None] | None) -> None:
    """Log every uncaught exception, in any thread, and report it to ``on_error``.

    Sets ``sys.excepthook`` (main thread, and exceptions that PySide6 catches
    in slots and virtual methods) and ``threading.excepthook``. Each uncaught
    exception is logged once with its redacted traceback, then
    ``on_error(short_message)`` is called once with a one-line, redacted
    ``"Type: message"``. ``on_error`` runs in the thread that failed, so a GUI
    must hand it over to the GUI thread (emit a queued Qt signal). If
    ``on_error`` raises, that is logged and not reported again. Calling this
    again replaces ``on_error``; ``uninstall_exception_hooks`` restores the
    previous hooks.
    """
    global _on_error, _original_excepthook, _original_threading_excepthook
    with _hooks_lock:
        _on_error = on_error
        if sys.excepthook is not _excepthook:
            _original_excepthook = sys.excepthook
            sys.excepthook = _excepthook
        if threading.excepthook is not _threading_excepthook:
            _original_threading_excepthook = threading.excepthook
            threading.excepthook = _threading_excepthook


def uninstall_exception_hooks() -> None:
    """Put back the hooks that were there before ``install_exception_hooks``."""
    global _on_error, _original_excepthook, _original_threading_excepthook
    with _hooks_lock:
        _on_error = None
        if sys.excepthook is _excepthook:
            sys.excepthook = _original_excepthook or sys.__excepthook__
        if threading.excepthook is _threading_excepthook:
            threading.excepthook = _original_threading_excepthook or threading.__excepthook__
        _original_excepthook = None
        _original_threading_excepthook = None
