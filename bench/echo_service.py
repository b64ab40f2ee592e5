"""A no-op nameko service for benchmarks: ``python -m shared.run bench.echo_service:EchoService``."""
from shared.context import public_rpc


class EchoService:
    name = "bench_echo"

    @public_rpc
    def echo(self, value):
        return value
