"""Portico notifications service."""
VERSION = "0.1.0"
