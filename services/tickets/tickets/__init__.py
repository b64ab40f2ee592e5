"""Portico tickets service."""
VERSION = "0.1.0"
