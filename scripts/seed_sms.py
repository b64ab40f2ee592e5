"""The demo's texts (called by seed_demo.seed once Jordan has signed up): Jordan gives a mobile number on the Account
tab, and a sign-in code is asked for, so the development SMS inbox that ``make up`` prints shows a code texted to it
(with ``SMS_PROVIDER`` unset; a real provider would text that made-up number)."""

DEMO_MOBILE = "+1 555 010 0142"  # 555-01xx: reserved for fiction


def seed_sms(client, visitor, jordan_client, jordan_login):
    client.call("accounts", "update_my_account", {"mobile_phone": DEMO_MOBILE}, context=jordan_client)
    client.call("accounts", "request_login_code", {"login": jordan_login}, "127.0.0.1", context=visitor)
