"""The migration that makes the account's mobile number the one sign-in codes go to, up and down."""
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from portico_testing import Databases

REVISION = "0007_mobile_for_codes"
# account id: (parent, mobile number); portal user id: phone; links (user, account), the first user first.
ACCOUNTS = {1: (None, None), 2: (None, "+1 555 010 0102"), 3: (1, None), 4: (None, None), 5: (None, "555 0105")}
USERS = {1: "+1 (555) 010-0201", 2: "+15550100202", 3: "+1 555 010 0203", 4: None}
LINKS = [(1, 1), (1, 3), (2, 2), (1, 4), (3, 1), (4, 5)]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    """An accounts database at the revision before, where codes went to the portal user's phone."""
    monkeypatch.setenv("BLOB_STORE_URL", f"file://{tmp_path}/blobs")
    databases = Databases(request.param, tmp_path, services=("accounts",))
    request.addfinalizer(databases.drop)
    config = databases.alembic_config("accounts")
    command.upgrade(config, "0006")
    engine = create_engine(databases.urls["accounts"])
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO tenants (id, slug, display_name, created_at) "
                                "VALUES (1, 'business', 'A business', CURRENT_TIMESTAMP)"))
        for account_id, (parent, mobile) in ACCOUNTS.items():
            connection.execute(text(
                "INSERT INTO client_accounts (id, tenant_id, name, parent_id, mobile_phone, created_at, updated_at) "
                "VALUES (:id, 1, 'A client', :parent, :mobile, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": account_id, "parent": parent, "mobile": mobile})
        for user_id, phone in USERS.items():
            connection.execute(text("INSERT INTO portal_users (id, tenant_id, email, phone, created_at) "
                                    "VALUES (:id, 1, :email, :phone, CURRENT_TIMESTAMP)"),
                               {"id": user_id, "email": f"user{user_id}@example.com", "phone": phone})
        for user_id, account_id in LINKS:
            connection.execute(text("INSERT INTO portal_links (portal_user_id, account_id, rights) "
                                    "VALUES (:user, :account, 'manage')"), {"user": user_id, "account": account_id})
    yield config, engine
    engine.dispose()


def mobiles(engine):
    with engine.connect() as connection:
        return dict(connection.execute(text("SELECT id, mobile_phone FROM client_accounts")).all())


def test_a_users_phone_moves_to_their_own_accounts_mobile_unless_it_has_one(database):
    config, engine = database
    command.upgrade(config, REVISION)

    assert "phone" not in {column["name"] for column in inspect(engine).get_columns("portal_users")}
    assert mobiles(engine) == {
        1: "+15550100201",  # user 1's own: the oldest main account they are the first user of
        2: "+15550100102",  # it had a mobile number: that one stays, in E.164 form
        3: None,            # a property: never anyone's own account
        4: None,            # user 1 is first here too, but account 1 is older; user 3 (second user) gets nothing
        5: "555 0105",      # not in international form: left as it is
    }


def test_a_downgrade_gives_each_user_their_own_accounts_mobile_back(database):
    config, engine = database
    command.upgrade(config, REVISION)
    command.downgrade(config, "0006")
    with engine.connect() as connection:
        phones = dict(connection.execute(text("SELECT id, phone FROM portal_users")).all())
    assert phones == {1: "+15550100201", 2: "+15550100102", 3: None, 4: "555 0105"}
    command.upgrade(config, "head")
