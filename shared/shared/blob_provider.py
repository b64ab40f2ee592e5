"""The blob store as a nameko dependency, apart from shared.blobs: nameko's DependencyProvider imports eventlet,
which the gateway, a user of blob_store() only, would otherwise keep resident in each worker."""
from nameko.extensions import DependencyProvider

from shared.blobs import blob_store


class BlobStore(DependencyProvider):
    """Give a service's workers the blob store its config's ``BLOB_STORE_URL`` (or the environment's) names."""

    def __init__(self):
        self.store = None

    def setup(self):
        self.store = blob_store(self.container.config.get("BLOB_STORE_URL"))

    def get_dependency(self, worker_ctx):
        return self.store
