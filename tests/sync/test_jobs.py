"""The job engine: one outcome per job, on the GUI thread, in the right order."""

from __future__ import annotations

import threading
import time

import pytest

from smmdesk.platforms.base import AuthError, NetworkUnreachable, RateLimited
from smmdesk.sync.jobs import Job, JobContext, JobEngine, JobFailure


class FnJob(Job):
    def __init__(self, fn, key=None, network=False, title="test job"):
        self.fn = fn
        self.serial_key = key
        self.needs_network = network
        self.title = title

    def run(self, ctx: JobContext):
        return self.fn(ctx)


@pytest.fixture
def engine(qtbot):
    engine = JobEngine(max_threads=4)
    yield engine
    engine.shutdown(2000)


def collect(engine):
    outcomes: dict[int, list] = {}
    engine.succeeded.connect(lambda i, r: outcomes.setdefault(i, []).append(("ok", r)))
    engine.failed.connect(lambda i, f: outcomes.setdefault(i, []).append(("fail", f)))
    return outcomes


def test_success_is_delivered_once_on_the_gui_thread(qtbot, engine):
    seen = {}

    def on_success(result):
        seen["thread"] = threading.current_thread()
        seen["result"] = result

    outcomes = collect(engine)
    job_id = engine.submit(FnJob(lambda ctx: threading.current_thread().name), on_success)
    qtbot.waitUntil(lambda: job_id in outcomes)
    assert seen["thread"] is threading.main_thread()
    assert seen["result"] != threading.main_thread().name  # ran elsewhere
    qtbot.wait(50)
    assert outcomes[job_id] == [("ok", seen["result"])]


def test_an_exception_ends_as_one_failure_and_is_logged(qtbot, engine, caplog):
    def boom(ctx):
        raise ValueError("kaput")

    outcomes = collect(engine)
    job_id = engine.submit(FnJob(boom))
    qtbot.waitUntil(lambda: job_id in outcomes)
    qtbot.wait(50)
    ((kind, failure),) = outcomes[job_id]
    assert kind == "fail" and failure.kind == "error" and "kaput" in failure.message
    assert "kaput" in caplog.text


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (AuthError("bad token"), "auth"),
        (RateLimited("slow down", retry_after=42), "rate_limited"),
        (NetworkUnreachable("no route"), "offline"),
    ],
)
def test_connector_errors_are_classified(exc, kind):
    failure = JobFailure.from_exception(exc)
    assert failure.kind == kind
    if kind == "rate_limited":
        assert failure.retry_after == 42


def test_cancelling_a_running_job(qtbot, engine):
    started = threading.Event()

    def slow(ctx):
        started.set()
        for _ in range(200):
            ctx.check_cancelled()
            time.sleep(0.01)
        return "finished"

    outcomes = collect(engine)
    job_id = engine.submit(FnJob(slow))
    assert started.wait(2)
    engine.cancel(job_id)
    qtbot.waitUntil(lambda: job_id in outcomes, timeout=3000)
    assert outcomes[job_id][0][1].kind == "cancelled"


def test_progress_reaches_the_gui(qtbot, engine):
    def counting(ctx):
        for n in range(1, 4):
            ctx.progress(n, 3, f"step {n}")
        return n

    with qtbot.waitSignal(engine.succeeded, timeout=3000):
        reports = []
        engine.progress.connect(lambda *args: reports.append(args[1:]))
        engine.submit(FnJob(counting))
    qtbot.waitUntil(lambda: len(reports) == 3)
    assert reports[-1] == (3, 3, "step 3")


def test_jobs_of_one_account_run_one_at_a_time_in_order(qtbot, engine):
    running = []
    overlap = []
    order = []
    lock = threading.Lock()

    def work(n):
        def run(ctx):
            with lock:
                running.append(n)
                if len(running) > 1:
                    overlap.append(tuple(running))
            time.sleep(0.03)
            with lock:
                running.remove(n)
                order.append(n)
            return n

        return run

    outcomes = collect(engine)
    ids = [engine.submit(FnJob(work(n), key=("account", 1))) for n in range(5)]
    qtbot.waitUntil(lambda: all(i in outcomes for i in ids), timeout=5000)
    assert overlap == []
    assert order == list(range(5))


def test_jobs_of_different_accounts_run_in_parallel(qtbot, engine):
    barrier = threading.Barrier(2, timeout=3)

    def meet(ctx):
        barrier.wait()  # raises BrokenBarrierError if the other job never runs alongside
        return True

    outcomes = collect(engine)
    a = engine.submit(FnJob(meet, key=("account", 1)))
    b = engine.submit(FnJob(meet, key=("account", 2)))
    qtbot.waitUntil(lambda: a in outcomes and b in outcomes, timeout=5000)
    assert outcomes[a] == [("ok", True)] and outcomes[b] == [("ok", True)]


def test_network_jobs_wait_while_offline_and_resume(qtbot, engine):
    outcomes = collect(engine)
    engine.set_online(False)
    online_job = engine.submit(FnJob(lambda ctx: "sent", network=True))
    local_job = engine.submit(FnJob(lambda ctx: "local", network=False))
    qtbot.waitUntil(lambda: local_job in outcomes)
    qtbot.wait(100)
    assert online_job not in outcomes
    assert engine.waiting_for_network() == 1
    engine.set_online(True)
    qtbot.waitUntil(lambda: online_job in outcomes)
    assert outcomes[online_job] == [("ok", "sent")]


def test_shutdown_cancels_queued_jobs_and_waits_a_bounded_time(qtbot, engine):
    outcomes = collect(engine)

    def stubborn(ctx):
        while not ctx.cancelled:
            time.sleep(0.01)
        return "stopped"

    running = engine.submit(FnJob(stubborn, key="k"))
    queued = engine.submit(FnJob(lambda ctx: "never", key="k"))
    qtbot.waitUntil(lambda: engine.active_titles() != [])
    started = time.monotonic()
    assert engine.shutdown(2000) is True
    assert time.monotonic() - started < 2
    assert outcomes[queued][0][1].kind == "cancelled"
    assert running not in outcomes or outcomes[running][0][0] in ("ok", "fail")
    late = engine.submit(FnJob(lambda ctx: "late"))
    assert outcomes[late][0][1].kind == "cancelled"
