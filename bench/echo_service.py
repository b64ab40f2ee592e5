"""A no-op nameko service for benchmarks: ``python -m shared.run bench.echo_service:EchoService``."""
from shared.context import CallContext, public_rpc


class EchoService:
    name = "bench_echo"

    ctx = CallContext()  # as every service has: the caller's deadline is checked before the call runs

    @public_rpc
    def echo(self, value):
        return value
