"""The supervisor ``make up`` runs: a process that exits is restarted; one that cannot start is given up on."""
import sys

from portico_testing import wait_for
from shared.supervisor import Program, Supervisor


def program(name, code, tmp_path, **kwargs):
    return Program(name, [sys.executable, "-c", code], log_path=tmp_path / f"{name}.log", **kwargs)


def test_a_process_that_came_up_and_exited_is_restarted(tmp_path):
    marker = tmp_path / "runs"
    # Each run notes itself and lives a moment: "up" is its ready check seeing the note of this run.
    code = f"import pathlib, time; p = pathlib.Path({str(marker)!r}); p.write_text(str(time.time())); time.sleep(0.5)"
    ready = lambda started: marker.exists() and float(marker.read_text()) >= started  # noqa: E731
    supervisor = Supervisor([program("steady", code, tmp_path, ready=ready)], first_backoff=0.05,
                            max_quick_crashes=2, report=lambda line: None).start()
    try:
        wait_for(lambda: supervisor.restarts("steady") >= 3, timeout=20, message="three restarts")
        assert supervisor.failure is None
    finally:
        supervisor.stop()


def test_a_process_that_keeps_failing_at_start_is_given_up_on_with_its_log(tmp_path):
    reports = []
    failing = program("broken", "import sys; print('port 8025 is taken'); sys.exit(3)", tmp_path)
    steady = program("steady", "import time; time.sleep(60)", tmp_path)
    supervisor = Supervisor([failing, steady], first_backoff=0.05, max_quick_crashes=3, report=reports.append).start()
    try:
        failure = supervisor.wait(timeout=20)
    finally:
        supervisor.stop()
    assert failure.startswith("broken exited 3 times in a row before it came up (last exit code 3); giving up")
    assert "port 8025 is taken" in failure and str(tmp_path / "broken.log") in failure
    assert reports[:2] == ["broken exited (code 3); restarting it in 0.1 s", "broken exited (code 3); restarting it in 0.1 s"]
    assert supervisor.restarts("broken") == 2 and supervisor.pid("steady") is None  # stop() ended the rest
