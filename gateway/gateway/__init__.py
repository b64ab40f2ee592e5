"""Portico gateway: HTTP in front of the services."""
VERSION = "0.1.0"
