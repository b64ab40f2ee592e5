"""The demo business's field service (called from seed_demo.seed): its time zone, a service list, and jobs for
the demo clients — Jordan's weekly mowing started six weeks ago (past visits done, with service notes, their
invoices raised and the older ones paid by card), visits to come with time windows, a fertilisation every six
weeks "Work in progress", an aeration on the waiting list, pest control paused with a reason; and a few jobs for
the other clients. Everything goes through billing's staff RPCs, as the staff pages do."""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TIME_ZONE = "America/Chicago"
SERVICES = [  # name, description, price in cents, recurrence, interval_weeks, requestable, active
    ("Weekly mowing", "Mow, edge and blow the paths clear.", 4500, "weekly", None, True, True),
    ("Fertilisation", "Slow-release feed and weed control, every six weeks in season.", 6500, "every_n_weeks", 6,
     True, True),
    ("Pest control", "A monthly perimeter treatment for ants and spiders.", 5500, "monthly", None, True, True),
    ("Core aeration", "Core aeration of the whole lawn, once a season.", 12000, "once", None, True, True),
    ("Gutter cleaning", "Clear and flush the gutters and downspouts.", 9500, "once", None, True, True),
    ("Hedge trimming", "Shape the hedges and take the clippings away.", 7500, "once", None, False, True),
    ("Snow clearing", "Drive and paths cleared after each snowfall.", 6000, "once", None, True, False),
]
MOWING_NOTES = [
    "First cut of the season, mowed high at 3.5 in. Edged the drive.",
    "Mowed and edged. The bare patch by the side gate needs seed: we will bring some next week.",
    "Mowed, edged, reseeded the patch by the side gate. Please water it lightly every morning.",
    "Mowed and blew the paths clear. The new seed is coming up well.",
    "Mowed around the new flower bed by the fence, as you asked.",
    "Mowed and edged. Dry week: we raised the deck to keep the lawn from browning.",
]


def seed_jobs(client, staff, jordan_client, accounts, card_token):
    """``accounts`` maps jordan, lake, sam and hoa to their account ids; ``card_token()`` tokenises a test card."""
    def billing(method, *args, context=staff):
        return client.call("billing", method, *args, context=context)

    billing("update_settings", "services", {"time_zone": TIME_ZONE, "show_paused_services": True})
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()
    day = lambda offset: (today + timedelta(days=offset)).isoformat()  # noqa: E731
    services = {}
    for name, description, price, recurrence, interval, requestable, active in SERVICES:
        row = billing("create_service", {"name": name, "description": description, "price": price,
                                         "recurrence": recurrence, "interval_weeks": interval,
                                         "requestable": requestable})
        services[name] = billing("update_service", row["id"], {"active": False}) if not active else row

    def job(account, service, start=None, window=(None, None), **extra):
        schedule = {"start_on": day(start), "window_start": window[0], "window_end": window[1]} \
            if start is not None else None
        return billing("create_job", {"account_id": accounts[account], "service_id": services[service]["id"],
                                      "schedule": schedule, **extra})

    jordans_mowing(billing, job, jordan_client, card_token, day(0))
    fertilising = job("jordan", "Fertilisation", 3, ("13:00", "15:00"))
    billing("set_job_client_status", fertilising["id"], {"client_status": "Work in progress"})
    job("jordan", "Core aeration", notes="Front and back lawns; mark the sprinkler heads first.")
    pests = job("jordan", "Pest control", -20, ("08:00", "10:00"))
    billing("complete_visit", pests["visits"][0]["id"], {"notes": "Treated the perimeter and the garage door."})
    billing("pause_job", pests["id"], {"reason": "Away until spring; gate locked"})
    job("lake", "Gutter cleaning", 10, ("08:00", "12:00"), notes="Ladder access from the dock side.")
    others(billing, job)


def jordans_mowing(billing, job, jordan_client, card_token, today):
    """Weekly mowing from six weeks ago, Tuesdays 9 to 11: the past visits done with their notes, each raising its
    invoice; Jordan paid all but the latest by card. The visit after next has a note already."""
    mowing = job("jordan", "Weekly mowing", -42, ("09:00", "11:00"), notes="Side gate code 4821; dog in the yard.")
    past = [visit for visit in mowing["visits"] if visit["scheduled_on"] < today]
    invoices = [billing("complete_visit", visit["id"], {"notes": notes})["invoice_id"]
                for visit, notes in zip(past, MOWING_NOTES)]
    billing("pay_invoices", uuid.uuid4().hex, {
        "invoice_ids": invoices[:-1], "new_method": card_token(), "save_method": False,
        "receipt_to": None}, context=jordan_client)
    upcoming = [visit for visit in mowing["visits"] if visit["scheduled_on"] > today]
    billing("set_visit_notes", upcoming[0]["id"], {"notes": "We will overseed the thin strip along the drive."})
    billing("move_visit", upcoming[2]["id"], {"scheduled_on": upcoming[2]["scheduled_on"], "window_start": "13:00",
                                              "window_end": "15:00"})


def others(billing, job):
    """Sam (on autopay) mows weekly since two weeks ago; the HOA's hedges wait on the list, its mowing starts soon."""
    sam = job("sam", "Weekly mowing", -14, ("10:00", "12:00"))
    for visit in sam["visits"][:2]:
        billing("complete_visit", visit["id"], {"notes": "Mowed and edged."})
    job("sam", "Gutter cleaning", 5, ("14:00", "16:00"))
    job("hoa", "Hedge trimming", notes="Entrance hedges on Maple Street only.")
    job("hoa", "Weekly mowing", 2, ("07:00", "10:00"), price=18000, notes="Common areas and the entrance median.")
