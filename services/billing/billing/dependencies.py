"""The billing service's own dependency: the payment processor its workers charge."""
from nameko.extensions import DependencyProvider

from billing.processor import processor_from_env


class PaymentProcessor(DependencyProvider):
    """Give every worker the processor the environment configures, one adapter per service instance."""

    def setup(self):
        self.processor = processor_from_env()

    def get_dependency(self, worker_ctx):
        return self.processor
