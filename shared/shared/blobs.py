"""Files kept outside messages and databases: a blob store, referenced by id.

Messages carry a blob id, never the bytes (a publish over 64 KiB is refused). The embedded default
keeps blobs as files in a folder every process of the machine shares; production points
``BLOB_STORE_URL`` at an S3-compatible bucket (``s3://bucket?endpoint_url=...``), reached
with boto3 and the usual ``AWS_*`` credentials.
"""
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from shared.config import env, var_dir
from shared.errors import NotFound
from shared.i18n import _

BLOB_ID = re.compile(r"b_[0-9a-f]{32}")


@dataclass(frozen=True)
class Blob:
    data: bytes
    content_type: str


def new_blob_id():
    return f"b_{secrets.token_hex(16)}"


def checked(blob_id):
    """Return ``blob_id`` when it is one; anything else names no blob (and no path)."""
    if not isinstance(blob_id, str) or not BLOB_ID.fullmatch(blob_id):
        raise NotFound(_("No such file."))
    return blob_id


class FolderBlobStore:
    """Blobs as files under ``root``: the bytes in ``<id>``, the content type in ``<id>.json``."""

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, data, content_type):
        """Store ``data``; return its new id."""
        blob_id = new_blob_id()
        partial = self.root / f".{blob_id}.partial"
        partial.write_bytes(data)
        (self.root / f"{blob_id}.json").write_text(json.dumps({"content_type": content_type}))
        os.replace(partial, self.root / blob_id)  # a reader never sees half a file
        return blob_id

    def get(self, blob_id):
        path = self.root / checked(blob_id)
        try:
            meta = json.loads((self.root / f"{blob_id}.json").read_text())
            return Blob(path.read_bytes(), meta["content_type"])
        except FileNotFoundError:
            raise NotFound(_("No such file.")) from None

    def delete(self, blob_id):
        for path in (self.root / checked(blob_id), self.root / f"{blob_id}.json"):
            path.unlink(missing_ok=True)


class S3BlobStore:
    """Blobs as objects of one S3-compatible bucket."""

    def __init__(self, bucket, **client_options):
        import boto3  # only where production configures S3

        self.bucket = bucket
        self.client = boto3.client("s3", **client_options)

    def put(self, data, content_type):
        blob_id = new_blob_id()
        self.client.put_object(Bucket=self.bucket, Key=blob_id, Body=data, ContentType=content_type)
        return blob_id

    def get(self, blob_id):
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=checked(blob_id))
        except self.client.exceptions.NoSuchKey:
            raise NotFound(_("No such file.")) from None
        return Blob(found["Body"].read(), found["ContentType"])

    def delete(self, blob_id):
        self.client.delete_object(Bucket=self.bucket, Key=checked(blob_id))


def blob_store(url=None):
    """The store ``url`` (else ``BLOB_STORE_URL``, else the var folder) names."""
    url = url or env("BLOB_STORE_URL") or f"file://{var_dir() / 'blobs'}"
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FolderBlobStore(parts.path)
    if parts.scheme == "s3" and parts.netloc:
        options = {name: values[-1] for name, values in parse_qs(parts.query).items()
                   if name in ("endpoint_url", "region_name")}
        return S3BlobStore(parts.netloc, **options)
    raise ValueError(f"BLOB_STORE_URL must be file:///folder or s3://bucket, not {url!r}.")
