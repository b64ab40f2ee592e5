"""Running a benchmark: Ctrl-C or SIGTERM ends it after it has cleaned up what it started; its logs kept on request."""
import signal
import sys
import tempfile
from pathlib import Path


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def run_interruptibly(benchmark, args, cleaned_up):
    """Run ``benchmark(args)``; return 0, or 130 once Ctrl-C or SIGTERM ended it (``cleaned_up`` says what its
    clean-up undid)."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        benchmark(args)
    except KeyboardInterrupt:
        print(f"\ninterrupted; {cleaned_up}", file=sys.stderr)
        return 130
    return 0


def keep_logs(folder):
    """Move the ``*.log`` files of ``folder`` (about to be deleted) to a new directory, and say where."""
    kept = Path(tempfile.mkdtemp(prefix="portico-bench-logs-"))
    for path in Path(folder).glob("*.log"):
        path.replace(kept / path.name)
    print(f"logs kept in {kept}")
