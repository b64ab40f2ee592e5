"""accounts' keys: the signing key, given to the workers that vouch for a caller, and the data keys."""
from nameko.extensions import DependencyProvider

from shared.config import env
from accounts.secret_box import DataBox
from shared.passport import PassportSigner


class PassportIssuer(DependencyProvider):
    """Sign passports with ``PASSPORT_PRIVATE_KEY``; accounts refuses to start without it."""

    def setup(self):
        self.signer = PassportSigner(self.container.config.get("PASSPORT_PRIVATE_KEY")
                                     or env("PASSPORT_PRIVATE_KEY"))

    def get_dependency(self, worker_ctx):
        return self.signer


class DataKeys(DependencyProvider):
    """Seal and open the secrets accounts keeps encrypted, with ``ACCOUNTS_DATA_KEYS``.

    accounts starts without them (only two-step sign-in needs them, and answers 503 until they are set);
    compose requires them.
    """

    def setup(self):
        self.box = DataBox(self.container.config.get("ACCOUNTS_DATA_KEYS") or env("ACCOUNTS_DATA_KEYS"))

    def get_dependency(self, worker_ctx):
        return self.box
