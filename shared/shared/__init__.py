"""Building blocks shared by every Portico service (never a service's own rules or tables)."""
