"""Configuration from the environment, with defaults that run the embedded set-up."""
import os
import re
from pathlib import Path

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def env(name, default=None, cast=str):
    """Return environment variable ``name`` converted by ``cast``, or ``default``."""
    value = os.environ.get(name)
    return default if value in (None, "") else cast(value)


def amqp_uri():
    return env("AMQP_URI", DEFAULT_AMQP_URI)


def var_dir():
    """Directory for the embedded default's files (SQLite databases, mailbox)."""
    path = Path(env("PORTICO_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service):
    """SQLAlchemy URL of ``service``'s own database: <SERVICE>_DATABASE_URL or a SQLite file."""
    return env(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{var_dir() / service}.db"


def retry_delays_ms():
    """Back-off before each redelivery of a failed event; after the last, it is dead-lettered."""
    return [int(part) for part in env("EVENT_RETRY_DELAYS_MS", "1000,5000,30000").split(",")]


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def load_service_config(path):
    """Load a service's config.yml, replacing each ${VAR:default} with the environment's value."""
    import yaml  # here: the supervisor of make up reads no config.yml, and need not keep yaml resident

    text = _ENV_REFERENCE.sub(lambda match: os.environ.get(match[1]) or match[2] or "",
                              Path(path).read_text())
    config = yaml.safe_load(text) or {}
    config.setdefault("AMQP_URI", amqp_uri())
    return config
