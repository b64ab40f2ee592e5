"""Exit 0 while this instance of a service is healthy: ``python -m shared.healthcheck billing``.

Healthy means its heartbeat (``shared.heartbeat``) is fresh: the process is consuming from the
broker and its database answers. Only the instance on this host (container) is looked at.
"""
import argparse
import sys

from shared.heartbeat_files import STALE_AFTER_SECONDS, beat_age, heartbeat_file


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service")
    parser.add_argument("--max-age", type=float, default=STALE_AFTER_SECONDS, help="seconds (default %(default)s)")
    args = parser.parse_args(argv)
    age = beat_age(args.service)
    if age is None:
        print(f"{args.service}: no heartbeat at {heartbeat_file(args.service)}", file=sys.stderr)
        return 1
    if age > args.max_age:
        print(f"{args.service}: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return 1
    print(f"{args.service}: heartbeat {age:.1f} s ago")
    return 0


if __name__ == "__main__":
    sys.exit(main())
