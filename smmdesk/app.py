"""The composition root: the one place that wires SMM Desk together.

Order matters. Folders and logging first, so anything that fails later is
logged; then the exception hooks; then the store is opened and migrated;
only then the QApplication and the window. Nothing else builds services.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from smmdesk import APP_ID, APP_NAME, __version__
from smmdesk.logs import install_exception_hooks, setup_logging
from smmdesk.paths import ProfilePaths, custom_profile, default_profile, demo_profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    demo: bool
    profile: str | None
    self_test: bool
    exit_after_paint: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog=APP_ID, description=f"{APP_NAME}: plan, publish, answer and report."
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open the demo profile (sample clients, no network)"
    )
    parser.add_argument("--profile", metavar="DIR", help="open the profile in DIR")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the main window off-screen, check the store and exit (0 = healthy)",
    )
    parser.add_argument(
        "--exit-after-paint",
        action="store_true",
        help="print start-up figures once the window has painted, then exit (bench/)",
    )
    args = parser.parse_args(argv)
    if args.demo and args.profile:
        parser.error("--demo and --profile cannot be used together")
    return Options(args.demo, args.profile, args.self_test, args.exit_after_paint)


def profile_for(options: Options) -> ProfilePaths:
    if options.demo:
        return demo_profile()
    if options.profile:
        return custom_profile(options.profile)
    return default_profile()


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    if options.self_test or options.exit_after_paint:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = profile_for(options).ensure()
    setup_logging(paths.log_file, rotate=False)  # rotating once the window has painted
    log.info("starting %s %s with profile %s", APP_NAME, __version__, paths.root)

    errors = _DeferredErrors()
    install_exception_hooks(errors.report)

    # The store, and the Qt-free modules of the first paint, before PySide6:
    # once loaded, PySide6 reads the source of every module imported after it
    # (for its __feature__ imports), which adds up to several milliseconds.
    from smmdesk.store.schema import HEAD_REVISION, StoreError, stored_revision

    problem = None
    try:
        if stored_revision(paths.database) != HEAD_REVISION:
            from smmdesk.store.database import migrate

            migrate(paths.database, paths.backups)
    except StoreError as exc:
        log.error("cannot open the store: %s", exc)
        problem = str(exc)
    else:
        import smmdesk.ui.calendar.shown_range  # noqa: F401  (the calendar's data side)
        from smmdesk.store.queries import StoreReader

        reader = StoreReader(paths.database)

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(APP_ID)
    if problem is not None:
        from smmdesk.ui.error_reporter import show_fatal

        return show_fatal("SMM Desk cannot open this profile", problem, options.self_test)

    from smmdesk.ui.first_paint import FirstPaintWatcher
    from smmdesk.ui.main_window import MainWindow
    from smmdesk.ui.theme import app_icon, apply_look, style_sheet

    services = None
    if options.demo and reader.count_accounts() == 0:
        services = _build_services(paths, options)  # the first demo start fills the profile
    apply_look(app)  # the style sheet comes after the first paint (ui/theme.py says why)
    app.setWindowIcon(app_icon())
    window = MainWindow(
        reader, profile_label="Demo" if options.demo else "", offer_demo=not options.demo
    )
    window.demo_requested.connect(lambda: _open_demo(window))

    def after_first_paint() -> None:
        if options.exit_after_paint:
            print(f"painted maxrss_kb={_peak_rss_kb()}", flush=True)
        setup_logging(paths.log_file)
        app.setStyleSheet(style_sheet())  # for the dialogs; the painted window stays as it is
        errors.attach(window)
        store, vault, coordinator = services or _build_services(paths, options)
        window.attach(store, vault, coordinator)
        if options.self_test or options.exit_after_paint:
            _finish_check(app, store, options)
            return
        coordinator.network.watch_system()
        coordinator.start()
        window.feed_poller.start()
        window.metrics.start()
        # What exists now (Qt wrappers, modules, the ORM's registry) lives as
        # long as the app: keep it out of the collector's full passes, which
        # otherwise hold Python's lock for ~100 ms in the middle of a publishing
        # burst (bench/publish.py) and freeze the window.
        gc.freeze()

    # Paint real data first (read with plain sqlite3), then load the ORM, the
    # vault and the sync engine: the window is on screen while they load.
    watcher = FirstPaintWatcher(window)
    watcher.painted.connect(after_first_paint)
    window.show()
    if options.self_test or options.exit_after_paint:
        code = _exec_bounded(app, seconds=60)
    else:
        code = int(app.exec())
    if window.store is not None:
        window.store.close()
    reader.close()
    log.info("quit with code %s", code)
    return code


class _DeferredErrors:
    """Holds uncaught-error messages until the error dialog can be shown.

    The dialog's module is loaded after the first paint (start-up time);
    anything that fails before is logged at once and shown then.
    """

    def __init__(self) -> None:
        self._early: list[str] = []
        self._reporter = None

    def report(self, message: str) -> None:
        if self._reporter is None:
            self._early.append(message)
        else:
            self._reporter.report(message)

    def attach(self, window) -> None:  # type: ignore[no-untyped-def]
        from smmdesk.ui.error_reporter import ErrorReporter

        reporter = ErrorReporter(window)
        self._reporter = reporter
        for message in self._early:
            reporter.report(message)
        self._early.clear()


def _build_services(paths: ProfilePaths, options: Options):  # type: ignore[no-untyped-def]
    """The ORM store, the vault, the connectors and the sync coordinator."""
    from smmdesk.store.database import Store
    from smmdesk.sync.connectors import ConnectorFactory
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.vault import Vault

    store = Store(paths.database)
    if options.demo:
        # The demo never touches the user's keyring: its practice tokens live
        # in memory and are put back at every start.
        from smmdesk.demo import ensure_demo
        from smmdesk.memory_keyring import MemoryKeyring

        vault = Vault(MemoryKeyring())
        factory = ConnectorFactory(paths, vault, sandbox_seed="demo")
        ensure_demo(store, vault, factory)
    else:
        vault = Vault()
        factory = ConnectorFactory(paths, vault, sandbox_seed=APP_ID)
    return store, vault, SyncCoordinator(store, factory)


def _peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _finish_check(app, store, options: Options) -> None:  # type: ignore[no-untyped-def]
    """Once everything is loaded: print start-up figures, or check the store."""
    if options.exit_after_paint:
        print(f"ready maxrss_kb={_peak_rss_kb()}", flush=True)
        app.exit(0)
        return
    try:
        store.check()
        from sqlalchemy import func, select

        from smmdesk.store.models import Client

        with store.session() as session:
            clients = session.scalar(select(func.count(Client.id)))
        _check_bundled_data()
    except Exception as exc:  # the self-test reports any failure as its result
        print(f"self-test FAILED: {exc}", flush=True)
        app.exit(1)
        return
    print(f"self-test ok: window painted, store healthy, {clients} clients", flush=True)
    app.exit(0)


def _check_bundled_data() -> None:
    """The data files and lazily imported modules a bundle could miss."""
    from datetime import date

    from smmdesk.core.observances import observances_between
    from smmdesk.core.text_length import count_graphemes

    year = date.today().year
    days = observances_between(date(year, 1, 1), date(year + 1, 1, 1), "LV")
    if sum(len(v) for v in days.values()) < 150:
        raise RuntimeError("the observance calendar or the holidays data is missing")
    if count_graphemes("👍🏽🇱🇻") != 2:
        raise RuntimeError("grapheme counting does not work")


def _exec_bounded(app, seconds: int) -> int:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    def timeout() -> None:
        print(f"self-test FAILED: no window painted within {seconds} s", flush=True)
        app.exit(1)

    QTimer.singleShot(seconds * 1000, timeout)
    return int(app.exec())


def _open_demo(window) -> None:  # type: ignore[no-untyped-def]
    """Open the demo in its own process, so it can never mix with this profile."""
    from PySide6.QtCore import QProcess

    if getattr(sys, "frozen", False):
        program, arguments = sys.executable, ["--demo"]
    else:
        program, arguments = sys.executable, ["-m", "smmdesk", "--demo"]
    started = QProcess.startDetached(program, arguments)
    ok = started[0] if isinstance(started, tuple) else bool(started)
    if not ok:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(window, "Demo", "The demo could not be started.")
    elif window.pages.currentIndex() == 0:
        window.close()  # an empty profile: the demo replaces the welcome screen
