"""What accounts vouches for: the claims of a resolved session, signed into a passport (shared.passport), with the
currency of the business, in which every service shows its amounts."""
from shared.passport import Claims


def for_staff(user, tenant):
    """A staff member of their business, with their role."""
    return Claims(tenant_id=user["tenant_id"], actor_kind="staff", actor_id=user["id"], role=user["role"],
                  currency=tenant["currency"])


def for_client(tenant, answer):
    """A portal user acting for the session's current account, with their rights on every linked account."""
    return Claims(tenant_id=tenant.id, actor_kind="client", actor_id=answer["portal_user"]["id"],
                  account_id=answer["account"]["id"], currency=tenant.currency,
                  rights={account["id"]: account["rights"] for account in answer["accounts"]})


def for_visitor(tenant):
    """Anyone at the business's portal before signing in: its public details and the sign-in calls."""
    return Claims(tenant_id=tenant["id"], actor_kind="visitor", currency=tenant["currency"])
