"""The tests' controllable clock: read from a file only in an installation that has the test support."""
import subprocess
import sys
from datetime import datetime, timezone

from portico_testing.clock import TestClock

MOMENT = datetime(2030, 1, 5, 15, 0, tzinfo=timezone.utc)
PRINT_NOW = "from shared.clock import utcnow; print(utcnow().isoformat())"
# What a production image is: no portico_testing package to import.
WITHOUT_TEST_SUPPORT = "import sys; sys.modules['portico_testing'] = None; " + PRINT_NOW


def run(code, env):
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_a_process_started_with_the_clock_file_reads_the_moment_the_test_sets(tmp_path):
    clock = TestClock(tmp_path / "clock", MOMENT)
    assert run(PRINT_NOW, clock.env).stdout.strip() == MOMENT.isoformat()
    clock.advance(days=1, hours=2)
    assert run(PRINT_NOW, clock.env).stdout.strip() == "2030-01-06T17:00:00+00:00"


def test_without_the_variable_the_clock_is_the_real_one():
    answer = datetime.fromisoformat(run(PRINT_NOW, {}).stdout.strip())
    assert abs((answer - datetime.now(timezone.utc)).total_seconds()) < 60


def test_an_installation_without_the_test_support_refuses_to_start_on_a_test_clock(tmp_path):
    clock = TestClock(tmp_path / "clock", MOMENT)
    refused = run(WITHOUT_TEST_SUPPORT, clock.env)
    assert refused.returncode != 0 and "PORTICO_TEST_CLOCK_FILE is set" in refused.stderr


def test_a_file_that_is_not_a_test_clock_is_refused(tmp_path):
    stray = tmp_path / "stray"
    stray.write_text("2030-01-05T15:00:00+00:00\n")
    refused = run(PRINT_NOW, {"PORTICO_TEST_CLOCK_FILE": str(stray)})
    assert refused.returncode != 0 and "is not a test clock file" in refused.stderr
