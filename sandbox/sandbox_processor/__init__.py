"""A sandbox payment processor: hosted card and bank fields, tokens and idempotent charges.

It stands in for a third-party provider's test mode, so it keeps its own storage and imports
nothing from Portico.
"""
