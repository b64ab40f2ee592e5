"""Exit 0 when a service answers its ``ping`` over the broker: ``python -m shared.healthcheck billing``."""
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from shared.config import amqp_uri


def main(argv=None):
    service = (argv or sys.argv[1:])[0]
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=5) as cluster:
            answer = getattr(cluster, service).ping()
    except Exception as exc:
        print(f"{service}: {exc}", file=sys.stderr)
        return 1
    print(answer)
    return 0 if answer.get("database") else 1


if __name__ == "__main__":
    sys.exit(main())
