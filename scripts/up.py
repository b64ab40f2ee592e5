"""Run the whole system in the foreground: ``make up`` (Ctrl-C or ``make down`` stops it).

Starts the four services, the sandbox payment processor, the development mailbox and the gateway
under a supervisor (``shared.supervisor``) that restarts whatever exits, each on a broker user of
its own; waits until /healthz is green, seeds the demo business and prints the URLs and the demo
logins. Logs go to var/log/.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from shared.config import DEFAULT_AMQP_URI, env, var_dir
from shared.heartbeat_files import beat_age
from shared.supervisor import Program, Supervisor

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("accounts", "billing", "tickets", "notifications")
PID_FILE = var_dir() / "portico.pids"


def broker_uris():
    """Each process's AMQP URI: its own user on the local broker, or AMQP_URI for all when that is set."""
    from shared.broker_users import PROCESSES, ensure_local_users  # run in start_settings' child

    if env("AMQP_URI"):
        print("AMQP_URI is set: every process uses that one broker user.")
        return dict.fromkeys(PROCESSES, env("AMQP_URI"))
    try:
        return ensure_local_users(DEFAULT_AMQP_URI)
    except Exception as exc:  # e.g. not root, so rabbitmqctl cannot reach the node
        print(f"Could not create the broker users with rabbitmqctl ({exc}); every process uses guest.",
              file=sys.stderr)
        return dict.fromkeys(PROCESSES, DEFAULT_AMQP_URI)


def accounts_data_keys():
    """accounts' key for the secrets it keeps encrypted (staff TOTP secrets): ACCOUNTS_DATA_KEYS when set, else
    one made at the first start and kept in var/accounts-data-keys (0600), since what it seals must open later."""
    if env("ACCOUNTS_DATA_KEYS"):
        return env("ACCOUNTS_DATA_KEYS")
    path = var_dir() / "accounts-data-keys"
    if not path.exists():
        from shared.sealing import new_key as new_sealing_key  # run in start_settings' child

        path.touch(mode=0o600)
        path.write_text(new_sealing_key() + "\n")
    return path.read_text().strip()


def mailbox_settings():
    host = "127.0.0.1"
    return {"MAILBOX_HOST": host, "MAILBOX_SMTP_PORT": env("MAILBOX_SMTP_PORT", "1025"),
            "MAILBOX_HTTP_PORT": env("MAILBOX_HTTP_PORT", "8025"), "MAILBOX_DIR": str(var_dir() / "mailbox")}


def delivery_settings(mailbox):
    """Send notifications' mail and texts to the development mailbox, unless real ones are configured."""
    settings = {}
    if not env("SMTP_URL"):
        settings["SMTP_URL"] = f"smtp://{mailbox['MAILBOX_HOST']}:{mailbox['MAILBOX_SMTP_PORT']}"
    if not env("SMS_PROVIDER"):
        settings.update(SMS_PROVIDER="http",
                        SMS_URL=f"http://{mailbox['MAILBOX_HOST']}:{mailbox['MAILBOX_HTTP_PORT']}/sms")
    return {**settings, **inbound_settings()}


def inbound_settings():
    """Where notifications takes clients' emailed replies to tickets: this machine only, by default."""
    return {"INBOUND_SMTP_HOST": env("INBOUND_SMTP_HOST", "127.0.0.1"),
            "INBOUND_SMTP_PORT": env("INBOUND_SMTP_PORT", "2525"),
            "INBOUND_MAIL_DOMAIN": env("INBOUND_MAIL_DOMAIN", "reply.portico.localhost")}


# The demo is seeded by a child process: what seeding loads (the RPC client and its libraries) then leaves with it,
# instead of staying resident in this supervisor for as long as the system runs.
SEED = ("import json, sys; from seed_demo import logins, seed_over_broker; "
        "print(json.dumps({'tenant': seed_over_broker(*sys.argv[1:]), 'logins': logins()}))")


def seed_demo(broker_uri, mailbox_url):
    """Seed the demo business (scripts/seed_demo.py) in a child process; return its tenant and the demo logins."""
    return child_answer([sys.executable, "-c", SEED, broker_uri, mailbox_url], Path(__file__).resolve().parent)


def child_answer(command, cwd=ROOT):
    """Run ``command``, a Python child, so what it loads leaves with it; pass on what it printed before its last
    line, and return that line's JSON."""
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, check=True, text=True)
    *said, answer = done.stdout.strip().splitlines()
    for line in said:
        print(line)
    return json.loads(answer)


def settings():
    """What the supervisor needs once, at start: each process's broker URI, this run's keys (unless set), accounts'
    data keys and which services hold sealed secrets. Run in a child process (``--settings``, start_settings), so
    cryptography, jwt, nameko and marshmallow, which making them loads, are not resident in the supervisor for as
    long as the system runs (~20 MB)."""
    from shared.passport import new_key
    from shared.sealing import holds_secrets, new_key as new_sealing_key

    keys = {}
    # A signing key for this run's passports (accounts signs, every service verifies); a new one at each start
    # is enough, since a passport lives two minutes, and no key is left on disk.
    if not os.environ.get("PASSPORT_PRIVATE_KEY"):
        keys["PASSPORT_PRIVATE_KEY"], keys["PASSPORT_PUBLIC_KEYS"] = new_key("make-up")
    # Likewise the key that seals one-time codes and links in events and messages: a message still waiting
    # when make up stops cannot be opened by the next run's key, and fails; the client asks again.
    if not os.environ.get("MESSAGE_SECRETS_KEYS"):
        keys["MESSAGE_SECRETS_KEYS"] = new_sealing_key()
    return {"uris": broker_uris(), "keys": keys, "accounts_data_keys": accounts_data_keys(),
            "sealing_services": list(filter(holds_secrets, SERVICES))}  # the only ones given MESSAGE_SECRETS_KEYS


def start_settings():
    """settings(), made by a child process."""
    return child_answer([sys.executable, str(Path(__file__).resolve()), "--settings"])


def lean_settings():
    """Settings that keep the stack's memory down on this one machine (bench/stack_memory.py measures it)."""
    # eventlet's green DNS resolver (dnspython and what it loads: ~8 MB a process) is for resolving names without
    # blocking the loop; every address here is this machine's, and the gateway (threads) never uses it.
    # glibc gives each thread its own malloc arenas: the gateway's threads would keep memory in several each.
    return {"EVENTLET_NO_GREENDNS": os.environ.get("EVENTLET_NO_GREENDNS", "yes"),
            "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}


def programs(made, mailbox, log_dir, host, port):
    python, base, uris = sys.executable, {**os.environ, **lean_settings()}, made["uris"]
    sealing = {"MESSAGE_SECRETS_KEYS": base.pop("MESSAGE_SECRETS_KEYS")}

    def program(name, command, ready=None, **extra):
        return Program(name, command, env={**base, **extra}, cwd=ROOT, log_path=log_dir / f"{name}.log", ready=ready)

    def beating(service):
        return lambda started: beat_age(service, since=started) is not None

    services = [program(name, [python, "-W", "ignore", "-m", "shared.run", name], beating(name), AMQP_URI=uris[name],
                        **(delivery_settings(mailbox) if name == "notifications" else {}),
                        **(sealing if name in made["sealing_services"] else {}),
                        **({"ACCOUNTS_DATA_KEYS": made["accounts_data_keys"]} if name == "accounts" else {}))
                for name in SERVICES]
    return services + [
        program("sandbox-processor", [python, "-m", "sandbox_processor"]),
        program("mailbox", [python, "-m", "sandbox_mailbox"], **mailbox),
        program("gateway", [str(Path(python).parent / "gunicorn"), "-k", "gthread", "--threads", "8", "--workers",
                            "2", "--no-control-socket", "-b", f"{host}:{port}", "gateway.app:create_app()"],
                AMQP_URI=uris["gateway"],
                # Plain http on this machine: cookies without Secure and the __Host- prefix (docs/configuration.md).
                SECURE_COOKIES=os.environ.get("SECURE_COOKIES", "false")),
    ]


def healthy(host, port):
    """Whether GET /healthz answers 200. Asked over a plain socket: urllib would keep its HTTP, TLS and e-mail
    parsing modules (~8 MB) resident in the supervisor for as long as the system runs."""
    with socket.create_connection((host, int(port)), timeout=2) as connection:
        connection.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        status = b""
        while b"\r\n" not in status and len(status) < 1024:
            received = connection.recv(1024)
            if not received:
                break
            status += received
    return status.split(b"\r\n", 1)[0].split()[1:2] == [b"200"]


def wait_healthy(host, port, supervisor, deadline):
    while time.monotonic() < deadline and supervisor.failure is None:
        try:
            if healthy(host, port):
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


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


def print_welcome(url, seeded, mailbox, began, log_dir):
    tenant = seeded["tenant"]
    print(f"\nPortico is up in {time.monotonic() - began:.1f} s: {url}")
    print(f"  Demo business: {tenant['display_name']}")
    print(f"  Staff sign-in: {url}/staff/sign-in")
    print(f"  Client portal: {url}/p/{tenant['slug']}/")
    for role, email, password in seeded["logins"]:
        print(f"  {role}: {email} / {password}")
    print(f"  API docs:      {url}/api/docs      Health: {url}/healthz")
    print(f"  Payments:      http://{env('SANDBOX_PROCESSOR_HOST', '127.0.0.1')}:"
          f"{env('SANDBOX_PROCESSOR_PORT', '8100')}  (sandbox; test card 4242 4242 4242 4242)")
    kept = "texts only; mail goes to SMTP_URL" if env("SMTP_URL") else "every email and text Portico sends"
    print(f"  Mailbox:       http://{mailbox['MAILBOX_HOST']}:{mailbox['MAILBOX_HTTP_PORT']}  ({kept})")
    if not env("SMS_PROVIDER"):  # texts go to the development mailbox (delivery_settings)
        print(f"  SMS inbox:     http://{mailbox['MAILBOX_HOST']}:{mailbox['MAILBOX_HTTP_PORT']}/sms  "
              f"(texts: sign-in codes to the demo client's mobile; as JSON at /sms.json)")
    inbound = inbound_settings()
    print(f"  Inbound mail:  smtp://{inbound['INBOUND_SMTP_HOST']}:{inbound['INBOUND_SMTP_PORT']}  "
          f"(ticket replies to reply+<token>@{inbound['INBOUND_MAIL_DOMAIN']}; a business's support address, "
          f"support+<slug>@{inbound['INBOUND_MAIL_DOMAIN']}, is on its Tickets settings tab)")
    print(f"  Logs:          {log_dir}/")
    print("Press Ctrl-C to stop.")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stop", action="store_true", help="stop a system started by make up")
    parser.add_argument("--settings", action="store_true", help=argparse.SUPPRESS)  # start_settings' child
    arguments = parser.parse_args()
    if arguments.stop:
        return stop_from_pid_file()
    if arguments.settings:
        print(json.dumps(settings()))
        return 0

    began = time.monotonic()
    made = start_settings()
    os.environ.update(made["keys"])
    host, port = env("PORTICO_HOST", "127.0.0.1"), env("PORTICO_PORT", "8000")
    log_dir = var_dir() / "log"
    log_dir.mkdir(exist_ok=True)
    uris, mailbox = made["uris"], mailbox_settings()
    supervisor = Supervisor(programs(made, mailbox, log_dir, host, port),
                            report=lambda line: print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr))
    supervisor.start()
    PID_FILE.write_text(str(os.getpid()))

    def shut_down(*_):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nStopping Portico...")
        supervisor.stop()
        PID_FILE.unlink(missing_ok=True)
        sys.exit(0)

    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)

    url = f"http://{host}:{port}"
    if not wait_healthy(host, port, supervisor, time.monotonic() + 60):
        if supervisor.failure is None:
            print(f"Portico did not become healthy within 60 s; see {log_dir}/*.log", file=sys.stderr)
        supervisor.stop()
        PID_FILE.unlink(missing_ok=True)
        return 1
    mailbox_url = f"http://{mailbox['MAILBOX_HOST']}:{mailbox['MAILBOX_HTTP_PORT']}"
    print_welcome(url, seed_demo(uris["operator"], mailbox_url), mailbox, began, log_dir)
    supervisor.wait()  # returns only once it gave up on a process, which it has reported
    print("Stopping Portico.", file=sys.stderr)
    supervisor.stop()
    PID_FILE.unlink(missing_ok=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
