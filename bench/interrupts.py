"""Ending a benchmark early: Ctrl-C or SIGTERM stops it, after it has cleaned up what it started."""
import signal
import sys


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
