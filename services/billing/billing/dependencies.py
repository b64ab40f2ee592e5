"""The billing service's own dependencies: the payment processor its workers charge, and how many charges at once."""
from eventlet.greenpool import GreenPool
from nameko.extensions import DependencyProvider

from billing.processor import processor_from_env


class PaymentProcessor(DependencyProvider):
    """Give every worker the processor the environment configures, one adapter per service instance."""

    def setup(self):
        self.processor = processor_from_env()

    def get_dependency(self, worker_ctx):
        return self.processor


class ChargingPool(DependencyProvider):
    """One pool per service instance for the charges its workers make at once, as many as it has workers.

    A message carries a group of a run's invoices (charge_groups.py); without a common bound an
    instance would have max_workers groups' worth at the processor at once, and one instance could
    take a whole run that several would share.
    """

    def setup(self):
        self.pool = GreenPool(self.container.max_workers)

    def get_dependency(self, worker_ctx):
        return self.pool
