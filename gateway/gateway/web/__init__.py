"""The server-rendered pages (no build step): ``staff`` and ``portal`` hold a base and one module per feature;
``forms``, ``policy`` and ``filters`` serve both."""
