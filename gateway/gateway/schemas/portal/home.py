"""Client portal API schemas: the Home page in one answer - the tabs the business enabled, each panel (null when
the business does not show it or its service cannot answer) and, for each panel whose service cannot answer, a
short notice."""
from marshmallow import Schema, fields

from gateway.schemas.documents import MyDocumentsSchema
from gateway.schemas.portal.billing import BillingSummarySchema
from gateway.schemas.portal.feed import ClientAnnouncementSchema, FeedPageSchema
from gateway.schemas.portal.services import VisitCardSchema
from gateway.schemas.portal.tickets import TicketSummarySchema


class HomeServicesSchema(Schema):
    visit = fields.Nested(VisitCardSchema, allow_none=True, metadata={"description": "The next upcoming visit."})
    time_zone = fields.String()


class HomeNoticeSchema(Schema):
    panel = fields.String(metadata={
        "description": "billing, services, open_tickets, documents, announcements or whats_new."})
    message = fields.String(metadata={"description": "e.g. \"Tickets are unavailable right now.\""})


class PortalHomeSchema(Schema):
    tabs = fields.List(fields.String(), metadata={
        "description": "The tabs the business enabled, in order: home, billing, services, tickets, chat, "
                       "documents, estimates, notifications, account."})
    billing = fields.Nested(BillingSummarySchema, allow_none=True, metadata={
        "description": "Total due and past-due invoices."})
    services = fields.Nested(HomeServicesSchema, allow_none=True, metadata={
        "description": "Null when the business shows no upcoming visits."})
    open_tickets = fields.List(fields.Nested(TicketSummarySchema), allow_none=True, metadata={
        "description": "The newest open tickets; null when \"View open tickets\" is off."})
    documents = fields.Nested(MyDocumentsSchema, allow_none=True, metadata={
        "description": "The newest shared documents; null when documents are off."})
    announcements = fields.List(fields.Nested(ClientAnnouncementSchema), allow_none=True, metadata={
        "description": "The announcements live for the account today."})
    whats_new = fields.Nested(FeedPageSchema, allow_none=True, metadata={
        "description": "The newest notifications and how many are unread."})
    may_open_ticket = fields.Boolean()
    unavailable = fields.List(fields.Nested(HomeNoticeSchema), metadata={
        "description": "A notice per panel whose service cannot answer right now."})
