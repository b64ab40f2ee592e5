"""Client portal API schemas, one module per feature."""
