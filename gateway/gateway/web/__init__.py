"""Server-rendered web pages (no build step)."""
