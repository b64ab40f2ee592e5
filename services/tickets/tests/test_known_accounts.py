"""One record of the accounts accounts confirmed: a client account confirmed for a ticket, a chat thread or a
document is confirmed for all three, asked of accounts once; an account accounts refuses is never remembered."""
import pytest
from sqlalchemy import select

from shared.errors import NotFound
from tickets.models import KnownAccount

ACCOUNT, OTHER_ACCOUNT, NOT_OUR_CLIENT = 42, 43, 9_999  # as conftest.py has them


def open_ticket(business, account_id):
    return business.staff().open_ticket_for_client({"account_id": account_id, "category_id": business.category(),
                                                    "body": "The client called."})


def start_thread(business, account_id):
    return business.staff().start_chat_thread({"account_id": account_id, "subject": "Spring", "body": "May 3?"})


STAFF_USES = {"ticket": open_ticket, "chat thread": start_thread, "document": lambda business, account_id:
              business.share(account_id=account_id)}


@pytest.mark.parametrize("first", STAFF_USES)
def test_an_account_confirmed_for_one_feature_is_known_to_the_others(business, first):
    STAFF_USES[first](business, ACCOUNT)
    for use in STAFF_USES.values():
        use(business, ACCOUNT)
    assert business.accounts.asked == [ACCOUNT]
    assert business.session.scalars(select(KnownAccount.account_id)).all() == [ACCOUNT]


@pytest.mark.parametrize("use", STAFF_USES)
def test_an_account_that_is_not_the_business_s_client_is_refused_and_not_remembered(business, use):
    for _ in range(2):
        with pytest.raises(NotFound):
            STAFF_USES[use](business, NOT_OUR_CLIENT)
    assert business.accounts.asked == [NOT_OUR_CLIENT, NOT_OUR_CLIENT]
    assert business.session.scalars(select(KnownAccount)).all() == []


def test_a_client_s_done_mark_is_kept_on_the_account_s_one_row(documents):
    documents.settings(allow_client_uploads=True, done_uploading_button=True)
    documents.client(OTHER_ACCOUNT).done_uploading()
    open_ticket(documents, OTHER_ACCOUNT)  # the client's passport named the account: accounts is not asked
    assert documents.accounts.asked == []
    (known,) = documents.session.scalars(select(KnownAccount)).all()
    assert (known.account_id, known.done_uploading_by) == (OTHER_ACCOUNT, documents.portal_user)
    assert documents.staff().account_documents(OTHER_ACCOUNT)["done_uploading"]["portal_user_id"] == \
        documents.portal_user
