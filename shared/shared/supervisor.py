"""Keep a set of processes running: restart one that exits, and give up on one that cannot start.

``make up`` (scripts/up.py) runs Portico's processes under it, and the process-level fault tests run
their service under the same code. A process that exits after it came up (its ``ready`` check
passed, or without one it ran ``quick_seconds``) is restarted at once: nameko 2.x exits when the
broker goes away while it sends a reply, and coming back is all it needs. One that exits before it
came up is restarted after a back-off that doubles each time; after ``max_quick_crashes`` such exits
in a row the supervisor gives up, says which process and where its log is, and ``wait`` returns.
"""
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional


@dataclass
class Program:
    """A command to keep running; ``ready(started)`` tells whether the run begun at ``started`` is up."""

    name: str
    command: list
    env: Optional[dict] = None
    cwd: Optional[Path] = None
    log_path: Optional[Path] = None
    ready: Optional[Callable[[float], bool]] = None


class _Run:
    """What the supervisor knows of one program: its process, when it started, whether it came up."""

    def __init__(self):
        self.process = None
        self.started = 0.0
        self.up = False
        self.quick_crashes = 0
        self.restarts = 0
        self.restart_at = None
        self.last_code = None


def last_lines(path, count=5):
    """The last ``count`` lines of the log at ``path`` (empty when there is none)."""
    if path is None or not Path(path).exists():
        return []
    return Path(path).read_text(errors="replace").splitlines()[-count:]


class Supervisor:
    """Start ``programs``, restart each that exits, and stop them all on ``stop``."""

    def __init__(self, programs, quick_seconds=10.0, max_quick_crashes=5, first_backoff=0.5, max_backoff=8.0,
                 report=print):
        self.programs = {program.name: program for program in programs}
        self.runs = {name: _Run() for name in self.programs}
        self.quick_seconds, self.max_quick_crashes = quick_seconds, max_quick_crashes
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.report = report
        self.failure = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._finished = threading.Event()
        self._thread = None

    def start(self):
        for name in self.programs:
            self._launch(name)
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()
        return self

    def _launch(self, name):
        program, run = self.programs[name], self.runs[name]
        log = open(program.log_path, "ab") if program.log_path else subprocess.DEVNULL
        try:
            # A session of its own: a Ctrl-C in the terminal reaches the supervisor only, which stops each in turn.
            run.process = subprocess.Popen(program.command, cwd=program.cwd, env=program.env, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        run.started, run.up, run.restart_at = time.time(), False, None

    def _watch(self):
        while not self._stopping.wait(0.2) and self.failure is None:
            with self._lock:
                for name in self.programs:
                    if not self._stopping.is_set():
                        self._tend(name)
        self._finished.set()

    def _tend(self, name):
        program, run = self.programs[name], self.runs[name]
        if run.process is None:
            if run.restart_at is not None and time.monotonic() >= run.restart_at:
                run.restarts += 1
                self._launch(name)
            return
        code = run.process.poll()
        if code is None:
            if not run.up and (program.ready(run.started) if program.ready
                               else time.time() - run.started >= self.quick_seconds):
                run.up, run.quick_crashes = True, 0
            return
        self._exited(name, code)

    def _exited(self, name, code):
        run = self.runs[name]
        run.process, run.last_code = None, code
        if run.up:
            delay = self.first_backoff
        else:
            run.quick_crashes += 1
            delay = min(self.first_backoff * 2 ** (run.quick_crashes - 1), self.max_backoff)
        if run.quick_crashes >= self.max_quick_crashes:
            self.failure = self._giving_up(name)
            self.report(self.failure)
            return
        self.report(f"{name} exited (code {code}); restarting it in {delay:.1f} s")
        run.restart_at = time.monotonic() + delay

    def _giving_up(self, name):
        program, run = self.programs[name], self.runs[name]
        where = f" Its log, {program.log_path}, ends:\n    " + "\n    ".join(last_lines(program.log_path)) \
            if program.log_path else ""
        return (f"{name} exited {run.quick_crashes} times in a row before it came up (last exit code "
                f"{run.last_code}); giving up on it.{where}")

    def wait(self, timeout=None):
        """Block until the supervisor gives up on a program (return why) or is stopped (return None)."""
        self._finished.wait(timeout)
        return self.failure

    def pid(self, name):
        process = self.runs[name].process
        return process.pid if process is not None and process.poll() is None else None

    def restarts(self, name):
        return self.runs[name].restarts

    def is_up(self, name):
        run = self.runs[name]
        return run.up and run.process is not None and run.process.poll() is None

    def stop(self, grace=15.0):
        """Ask every process to stop once (a second SIGTERM would cut nameko's drain short); kill what lingers."""
        self._stopping.set()
        with self._lock:
            processes = [run.process for run in self.runs.values() if run.process is not None]
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + grace
            for process in processes:
                try:
                    process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        if self._thread is not None:
            self._thread.join(5)
        self._finished.set()
