"""Run the whole system in the foreground: ``make up`` (Ctrl-C or ``make down`` stops it).

Starts the four services, the sandbox payment processor and the gateway as child processes,
waits until /healthz is green, seeds the demo business and prints the URL and the demo logins.
Logs go to var/log/.
"""
import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_demo import logins, seed_over_broker  # noqa: E402

from shared.config import env, var_dir  # noqa: E402
from shared.passport import new_key  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("accounts", "billing", "tickets", "notifications")
PID_FILE = var_dir() / "portico.pids"


def start(name, command, log_dir):
    log = open(log_dir / f"{name}.log", "ab")
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_healthy(url, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(0.3)
    return False


def stop(processes, grace=15):
    """Ask each process to stop once (a second SIGTERM would cut nameko's shutdown short)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    PID_FILE.unlink(missing_ok=True)


def stop_from_pid_file():
    """Ask the running ``make up`` to stop, and wait until it has."""
    if not PID_FILE.exists():
        print("Portico is not running (no pid file).")
        return 0
    pid = int(PID_FILE.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
        while True:
            time.sleep(0.2)
            os.kill(pid, 0)  # raises once the process has exited
    except ProcessLookupError:
        pass
    PID_FILE.unlink(missing_ok=True)
    print("Stopped.")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stop", action="store_true", help="stop a system started by make up")
    if parser.parse_args().stop:
        return stop_from_pid_file()

    began = time.monotonic()
    # A signing key for this run's passports (accounts signs, every service verifies); a new one at each start
    # is enough, since a passport lives two minutes, and no key is left on disk.
    if not os.environ.get("PASSPORT_PRIVATE_KEY"):
        os.environ["PASSPORT_PRIVATE_KEY"], os.environ["PASSPORT_PUBLIC_KEYS"] = new_key("make-up")
    host, port = env("PORTICO_HOST", "127.0.0.1"), env("PORTICO_PORT", "8000")
    log_dir = var_dir() / "log"
    log_dir.mkdir(exist_ok=True)
    python = sys.executable
    processes = [start(name, [python, "-W", "ignore", "-m", "shared.run", name], log_dir)
                 for name in SERVICES]
    processes.append(start("sandbox-processor", [python, "-m", "sandbox_processor"], log_dir))
    processes.append(start("gateway", [
        str(Path(python).parent / "gunicorn"), "-k", "gthread", "--threads", "8", "--workers", "2",
        "--no-control-socket", "-b", f"{host}:{port}", "gateway.app:create_app()"], log_dir))
    PID_FILE.write_text(str(os.getpid()))

    def shut_down(*_):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nStopping Portico...")
        stop(processes)
        sys.exit(0)

    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)

    url = f"http://{host}:{port}"
    if not wait_healthy(f"{url}/healthz", time.monotonic() + 60):
        print(f"Portico did not become healthy within 60 s; see {log_dir}/*.log", file=sys.stderr)
        stop(processes)
        return 1
    tenant = seed_over_broker()

    print(f"\nPortico is up in {time.monotonic() - began:.1f} s: {url}")
    print(f"  Demo business: {tenant['display_name']}")
    print(f"  Staff sign-in: {url}/staff/sign-in")
    print(f"  Client portal: {url}/p/{tenant['slug']}/")
    for role, email, password in logins():
        print(f"  {role}: {email} / {password}")
    print(f"  API docs:      {url}/api/docs      Health: {url}/healthz")
    print(f"  Payments:      http://{env('SANDBOX_PROCESSOR_HOST', '127.0.0.1')}:"
          f"{env('SANDBOX_PROCESSOR_PORT', '8100')}  (sandbox; test card 4242 4242 4242 4242)")
    print(f"  Logs:          {log_dir}/")
    print("Press Ctrl-C to stop.")
    while True:
        for process in processes:
            if process.poll() is not None:
                print(f"A Portico process exited (pid {process.pid}); stopping. See {log_dir}/",
                      file=sys.stderr)
                stop(processes)
                return 1
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
