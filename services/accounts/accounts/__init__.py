"""Portico accounts service."""
VERSION = "0.1.0"
