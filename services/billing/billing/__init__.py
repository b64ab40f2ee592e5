"""Portico billing service."""
VERSION = "0.1.0"
