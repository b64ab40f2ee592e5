"""The load of bench/home_page.py: signed-in clients asking for their Home page, and the servers they ask.

Closed loop (``drive``): each client asks again as soon as it is answered - throughput and CPU per page.
Open loop (``offer``): pages are due at a fixed rate whatever the answers - the latency at a given load.
"""
import http.client
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from portico_testing import wait_for

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_ARGS = ["-k", "gthread", "--workers", "2", "--threads", "8", "--no-control-socket"]


class Client(threading.Thread):
    """One signed-in client asking for its Home page over one keep-alive connection, while told to."""

    def __init__(self, port, slug, token, expected):
        super().__init__(daemon=True)
        self.port, self.path, self.expected = port, f"/p/{slug}/", expected
        # The portal's Secure cookie name (gateway.auth.cookie_name); the baseline reads the same one.
        self.headers = {"Cookie": f"__Host-portico_client_{slug}={token}", "Accept": "text/html"}
        self.connection = None
        self.sink = None
        self.running = threading.Event()
        self.schedule = None  # a queue of due times (perf_counter) in the open loop
        self.stopping = False
        self.errors = []

    def run(self):
        while not self.stopping:
            if self.schedule is not None:  # open loop: a request at each time the schedule hands out
                try:
                    due = self.schedule.get(timeout=0.1)
                except queue.Empty:
                    continue
                time.sleep(max(0.0, due - time.perf_counter()))
                self.ask(due)
            elif self.running.wait(0.1):
                self.ask(time.perf_counter())

    def ask(self, start):
        """One page; its latency counts from ``start`` (in the open loop, when it was due, not when sent)."""
        try:
            status, body = self.get()
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(repr(error))
            self.connection = None
            return
        elapsed = time.perf_counter() - start
        if status != 200 or self.expected.encode() not in body:
            self.errors.append(f"{status}: {body[:200]!r}")
        elif self.sink is not None:
            self.sink.append(elapsed)

    def get(self):
        reused = self.connection is not None
        if not reused:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.connection.request("GET", self.path, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            # The server closed the kept-alive connection while this client was idle (between
            # blocks): open a new one, as a browser would.
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request("GET", self.path, headers=self.headers)
            response = self.connection.getresponse()
        return response.status, response.read()


def drive(clients, seconds, sink):
    """Closed loop: let every client ask again as soon as answered for ``seconds``; return the wall time."""
    for client in clients:
        client.sink = sink
    started = time.perf_counter()
    for client in clients:
        client.running.set()
    time.sleep(seconds)
    for client in clients:
        client.running.clear()
    elapsed = time.perf_counter() - started
    time.sleep(0.5)  # requests in flight finish (and are counted: they started inside the block)
    for client in clients:
        client.sink = None
    return elapsed


def offer(clients, seconds, rate, sink):
    """Open loop: a page due every 1/``rate`` s for ``seconds``, whoever is free asks it; latency from when due.
    Return how many pages were missed (failed or not served within ``3 * seconds``; in ``sink`` as infinite).

    A server that falls behind makes requests wait for a free client, and that wait counts: the latency is what a
    visitor arriving at that moment would see (no coordinated omission).
    """
    schedule, due = queue.Queue(), int(seconds * rate)
    for client in clients:
        client.sink, client.schedule = sink, schedule
    started = time.perf_counter()
    for number in range(due):
        schedule.put(started + number / rate)
    while not schedule.empty() and time.perf_counter() < started + seconds * 3:
        time.sleep(0.05)
    time.sleep(0.5)  # the last pages finish
    for client in clients:
        client.sink, client.schedule = None, None
    missed = due - len(sink)  # failed, or never served in time: as slow as can be
    sink.extend([float("inf")] * missed)
    return missed


def cpu_seconds(pid):
    """CPU time (user + system) used so far by a process and all its descendants still running (Linux)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def machine_busy_seconds():
    """CPU time the whole machine has spent busy (every core, every process: not idle, not waiting on disk)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values, fraction):
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


# --- processes -------------------------------------------------------------------------------------

def gunicorn(app_spec, port, env, log_path):
    log = open(log_path, "ab")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), *GUNICORN_ARGS,
                                "-b", f"127.0.0.1:{port}", app_spec], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process


def wait_http(port, path, process, log_path):
    def up():
        if process.poll() is not None:
            raise SystemExit(f"{path} server exited:\n{Path(log_path).read_text(errors='replace')[-3000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status < 500
        finally:
            connection.close()
    wait_for(up, timeout=60, interval=0.2, message=f"a server on port {port}")


def stop(process):
    """Stop a server started by ``gunicorn``: its arbiter, then whatever is left of its process group.

    A worker still finishing requests when its arbiter ended (or was killed for not stopping in time) lived on,
    holding its database connections, and a later run met PostgreSQL's "too many clients".
    """
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # its own session (start_new_session): arbiter and workers
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(5)
