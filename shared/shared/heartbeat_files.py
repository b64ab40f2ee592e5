"""Where an instance's heartbeat file lives and how old it is, without what writing it needs (nameko, the
database): ``make up``'s supervisor and the healthcheck only read it, and stay small."""
import time
from pathlib import Path

from shared.config import env, var_dir

STALE_AFTER_SECONDS = 15.0


def heartbeat_file(service, folder=None):
    """Where ``service``'s instance keeps its heartbeat: ``folder``, ``PORTICO_HEARTBEAT_DIR`` or var/run."""
    return Path(folder or env("PORTICO_HEARTBEAT_DIR") or var_dir() / "run") / f"{service}.heartbeat"


def beat_age(service, since=0.0, folder=None):
    """Seconds since ``service``'s last heartbeat written after ``since`` (epoch seconds); None if there is none."""
    try:
        written = heartbeat_file(service, folder).stat().st_mtime
    except FileNotFoundError:
        return None
    return time.time() - written if written >= since else None
