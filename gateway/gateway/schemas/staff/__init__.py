"""Staff API schemas, one module per feature."""
