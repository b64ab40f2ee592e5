"""The API's request and answer shapes: ``common`` and ``billing`` for both audiences, then one module per
feature under ``staff`` and ``portal``."""
