"""The sandbox processor's refunds: part or all of a succeeded charge, once per key, never more than the charge,
and only with the secret."""
import threading

import pytest

from sandbox_processor.app import create_app

AUTH = {"Authorization": "Bearer sk_test_refunds"}


@pytest.fixture
def sandbox(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/refunds.db", "SECRET": "sk_test_refunds"})
    yield app.test_client()
    app.extensions["sandbox_store"].close()


def charged(sandbox, number="4242424242424242", amount=5_000):
    token = sandbox.post("/v1/tokens", json={"number": number, "exp_month": 12, "exp_year": 2031,
                                             "cvc": "123"}).json["token"]
    return sandbox.post("/v1/charges", headers=AUTH, json={"token": token, "amount": amount, "currency": "usd",
                                                           "idempotency_key": f"charge-{number}"}).json


def refund(sandbox, charge_id, amount, key="refund-1", headers=AUTH):
    return sandbox.post("/v1/refunds", headers=headers, json={"charge": charge_id, "amount": amount,
                                                              "idempotency_key": key})


def test_a_refund_is_made_once_per_key_and_never_more_than_the_charge(sandbox):
    charge = charged(sandbox)
    first = refund(sandbox, charge["id"], 3_000)
    again = refund(sandbox, charge["id"], 3_000)
    assert (first.status_code, first.json["status"], first.json["amount"]) == (201, "succeeded", 3_000)
    assert (again.status_code, again.json, again.headers["Idempotent-Replayed"]) == (200, first.json, "true")
    too_much = refund(sandbox, charge["id"], 2_001, key="refund-2")
    assert too_much.status_code == 400 and "amount" in too_much.json["error"]["fields"]
    assert refund(sandbox, charge["id"], 2_000, key="refund-3").status_code == 201


def test_refunds_at_once_never_overdraw_the_charge(sandbox):
    charge = charged(sandbox)
    answers = []
    threads = [threading.Thread(target=lambda key=key: answers.append(
        refund(sandbox, charge["id"], 2_000, key=f"race-{key}").status_code)) for key in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 201, 400, 400, 400]


@pytest.mark.parametrize("body, field", [({"amount": 0}, "amount"), ({"amount": 1.5}, "amount"),
                                         ({"charge": ""}, "charge"), ({"idempotency_key": ""}, "idempotency_key")])
def test_refund_parameters_are_checked(sandbox, body, field):
    charge = charged(sandbox)
    sent = {"charge": charge["id"], "amount": 100, "idempotency_key": "refund-x", **body}
    answer = sandbox.post("/v1/refunds", headers=AUTH, json=sent)
    assert answer.status_code == 400 and field in answer.json["error"]["fields"]


def test_a_declined_charge_an_unknown_one_or_a_reused_key_is_refused(sandbox):
    declined = charged(sandbox, "4000000000000002")
    assert refund(sandbox, declined["id"], 100).status_code == 404
    assert refund(sandbox, "ch_unknown", 100, key="refund-u").status_code == 404
    charge = charged(sandbox)
    refund(sandbox, charge["id"], 100, key="refund-k")
    assert refund(sandbox, charge["id"], 200, key="refund-k").status_code == 409
    assert refund(sandbox, charge["id"], 100, key="refund-s", headers={}).status_code == 401
