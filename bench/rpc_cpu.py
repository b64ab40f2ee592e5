"""CPU time of whole processes from /proc, for the RPC benchmark: the service and RabbitMQ (beam.smp).

A process's CPU is the sum of its threads' run time in ``/proc/<pid>/task/*/schedstat`` (nanoseconds,
where ``/proc/<pid>/stat`` only counts 10 ms ticks). The broker serves everyone on the machine, so
what it spends between the benchmark's blocks, when the benchmark sends nothing, is measured too and
taken off at the same rate (``BackgroundRate``).
"""
import time
from pathlib import Path


def process_cpu_ns(pid):
    """Run time of every thread of ``pid`` so far, in nanoseconds (threads that already ended are not counted)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass  # a thread that ended while being read
    return total


def find_broker_pid():
    """The pid of this machine's RabbitMQ (``beam.smp``), or None when there is none to read."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "beam.smp":
                    return int(entry.name)
            except OSError:
                continue
    return None


class CpuMeter:
    """CPU of one process over a stretch of wall time: ``start()`` then ``stop()`` -> (cpu ns, wall ns)."""

    def __init__(self, pid):
        self.pid = pid
        self._cpu = self._wall = None

    def start(self):
        self._cpu, self._wall = process_cpu_ns(self.pid), time.perf_counter_ns()

    def stop(self):
        return process_cpu_ns(self.pid) - self._cpu, time.perf_counter_ns() - self._wall


class BackgroundRate:
    """What a process spends when the benchmark sends nothing, as CPU ns per wall ns, from idle gaps."""

    def __init__(self):
        self.cpu_ns = 0
        self.wall_ns = 0

    def add(self, cpu_ns, wall_ns):
        self.cpu_ns += cpu_ns
        self.wall_ns += wall_ns

    @property
    def rate(self):
        return self.cpu_ns / self.wall_ns if self.wall_ns else 0.0


class ProcessCpu:
    """The CPU a process spent on the calls of each client: its CPU during their blocks less its idle rate."""

    def __init__(self, pid):
        self.meter = CpuMeter(pid)
        self.background = BackgroundRate()
        self.busy = {}  # client -> [cpu ns, wall ns] over that client's blocks

    def add(self, client, cpu_ns, wall_ns):
        busy = self.busy.setdefault(client, [0, 0])
        busy[0] += cpu_ns
        busy[1] += wall_ns

    def net_ns(self, client):
        cpu, wall = self.busy.get(client, (0, 0))
        return max(0.0, cpu - self.background.rate * wall)
