"""Demo estimates for Jordan (scripts/seed_demo.py calls ``seed_estimates``): one approved earlier, whose job waits
on the waiting list, and one sent this week for Jordan to approve or decline in the portal's Estimates tab."""
from datetime import date, timedelta


def seed_estimates(client, staff, account_id, client_context):
    def estimate(title, message, lines, valid_for_days):
        created = client.call("billing", "create_estimate", {
            "account_id": account_id, "title": title, "message": message,
            "valid_until": (date.today() + timedelta(days=valid_for_days)).isoformat(), "lines": lines},
            context=staff)
        return client.call("billing", "send_estimate", created["id"], context=staff)

    earlier = estimate("Fall leaf removal", "Three visits through November, bagged and hauled away.", [
        {"description": "Leaf removal visit", "quantity": 3, "unit_price": 9500},
        {"description": "Haul-away", "quantity": 1, "unit_price": 4000}], 30)
    client.call("billing", "decide_estimate", earlier["id"], {
        "decision": "approved", "note": "Please use the side gate."}, context=client_context)
    estimate("Spring aeration and overseeding",
             "As we discussed: core aeration of the front and back lawns, then overseeding with a sun and shade "
             "mix, and a starter fertiliser.", [
                 {"description": "Core aeration, front and back lawns", "quantity": 1, "unit_price": 12000},
                 {"description": "Overseeding (per 1,000 sq ft)", "quantity": 4, "unit_price": 2500},
                 {"description": "Starter fertiliser", "quantity": 1, "unit_price": 3500}], 30)
