"""The blob store, in a folder (the embedded default) and on a local S3-compatible server (production's kind)."""
import pytest
from moto.server import ThreadedMotoServer

from portico_testing import free_port
from shared.blobs import blob_store
from shared.errors import NotFound


@pytest.fixture(scope="module")
def s3_url(monkeypatch_module):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "portico", "AWS_SECRET_ACCESS_KEY": "portico-secret",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch_module.setenv(name, value)
    import boto3
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="portico-files")
    yield f"s3://portico-files?endpoint_url={endpoint}"
    server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    if request.param == "folder":
        return blob_store(f"file://{tmp_path}/blobs")
    return blob_store(request.getfixturevalue("s3_url"))


def test_a_blob_comes_back_as_it_went_in(store):
    blob_id = store.put(b"%PDF-1.7 invoice", "application/pdf")
    found = store.get(blob_id)
    assert (found.data, found.content_type) == (b"%PDF-1.7 invoice", "application/pdf")
    assert store.put(b"other", "image/png") != blob_id


def test_a_deleted_or_unknown_blob_is_not_found(store):
    blob_id = store.put(b"x", "image/png")
    store.delete(blob_id)
    with pytest.raises(NotFound):
        store.get(blob_id)
    with pytest.raises(NotFound):
        store.get("b_" + "0" * 32)


@pytest.mark.parametrize("blob_id", ["../../etc/passwd", "b_../x", "B_" + "a" * 32, "", None, 7])
def test_an_id_that_is_not_a_blob_id_names_nothing(store, blob_id):
    with pytest.raises(NotFound):
        store.get(blob_id)


def test_an_unknown_kind_of_store_is_a_configuration_error():
    with pytest.raises(ValueError):
        blob_store("ftp://files.example")
