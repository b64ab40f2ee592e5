"""The JSON API: ``staff`` and ``portal`` hold one module per feature; ``blueprints`` reads and documents
requests, ``openapi`` builds the document and ``docs`` serves it with its reference page."""
