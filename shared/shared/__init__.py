"""Building blocks shared by every Portico service (never a service's own rules or tables)."""
import warnings

# eventlet warns on import that it is in maintenance mode; nameko 2.x runs on it by design.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
