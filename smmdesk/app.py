"""The composition root: the one place that wires SMM Desk together.

Order matters. Folders and logging first, so anything that fails later is
logged; then the exception hooks; then the store is opened and migrated;
only then the QApplication and the window. Nothing else builds services.
"""

from __future__ import annotations

import argparse
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
    setup_logging(paths.log_file)
    log.info("starting %s %s with profile %s", APP_NAME, __version__, paths.root)

    from PySide6.QtWidgets import QApplication

    from smmdesk.ui.error_reporter import ErrorReporter

    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(APP_ID)
    reporter = ErrorReporter()
    install_exception_hooks(reporter.report)

    from smmdesk.store.database import StoreError, open_store

    try:
        store = open_store(paths.database, paths.backups)
    except StoreError as exc:
        log.error("cannot open the store: %s", exc)
        return reporter.fatal("SMM Desk cannot open this profile", str(exc), options.self_test)

    from smmdesk.memory_keyring import MemoryKeyring
    from smmdesk.sync.connectors import ConnectorFactory
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.ui.main_window import MainWindow
    from smmdesk.ui.theme import app_icon, style_sheet
    from smmdesk.vault import Vault

    # The demo never touches the user's keyring: its practice tokens live in
    # memory and are put back at every start.
    vault = Vault(MemoryKeyring()) if options.demo else Vault()
    factory = ConnectorFactory(paths, vault, sandbox_seed="demo" if options.demo else APP_ID)
    if options.demo:
        from smmdesk.demo import ensure_demo

        ensure_demo(store, vault, factory)

    app.setStyleSheet(style_sheet())
    app.setWindowIcon(app_icon())
    coordinator = SyncCoordinator(store, factory)
    window = MainWindow(
        store,
        vault,
        coordinator,
        profile_label="Demo" if options.demo else "",
        offer_demo=not options.demo,
    )
    window.demo_requested.connect(lambda: _open_demo(window))
    reporter.set_parent_window(window)

    if options.self_test or options.exit_after_paint:
        from smmdesk.ui.first_paint import FirstPaintWatcher

        watcher = FirstPaintWatcher(window)
        watcher.painted.connect(lambda: _finish_check(app, store, options))
        window.show()
        return _exec_bounded(app, seconds=60)

    coordinator.network.watch_system()
    coordinator.start()
    window.show()
    code = app.exec()
    store.close()
    log.info("quit with code %s", code)
    return int(code)


def _finish_check(app, store, options: Options) -> None:  # type: ignore[no-untyped-def]
    """After the first paint: print start-up figures, or check the store."""
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if options.exit_after_paint:
        print(f"painted maxrss_kb={peak_kb}", flush=True)
        app.exit(0)
        return
    try:
        store.check()
        from smmdesk.store.queries import list_clients

        with store.session() as session:
            clients = len(list_clients(session, include_archived=True))
    except Exception as exc:  # the self-test reports any failure as its result
        print(f"self-test FAILED: {exc}", flush=True)
        app.exit(1)
        return
    print(f"self-test ok: window painted, store healthy, {clients} clients", flush=True)
    app.exit(0)


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
