"""accounts' signing key, given to the workers that vouch for a caller."""
from nameko.extensions import DependencyProvider

from shared.config import env
from shared.passport import PassportSigner


class PassportIssuer(DependencyProvider):
    """Sign passports with ``PASSPORT_PRIVATE_KEY``; accounts refuses to start without it."""

    def setup(self):
        self.signer = PassportSigner(self.container.config.get("PASSPORT_PRIVATE_KEY")
                                     or env("PASSPORT_PRIVATE_KEY"))

    def get_dependency(self, worker_ctx):
        return self.signer
