"""Starts the real jepserve jar as a child process on free ports, for the integration tests."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]
JAR = PROJECT / "target" / "jepserve.jar"
VENV = PROJECT / ".venv"
# Clients (tritonclient) run with the interpreter running the tests: .venv-test after bin/setup. The server
# embeds VENV, which holds only the runtime packages.
CLIENT_PYTHON = sys.executable
TEST_MODELS = PROJECT / "tests" / "models"
EXAMPLES = PROJECT / "examples"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_repository(*model_dirs):
    """A temporary model repository holding copies of the given model directories."""
    root = Path(tempfile.mkdtemp(prefix="jepserve-repo-"))
    for model_dir in model_dirs:
        model_dir = Path(model_dir)
        shutil.copytree(model_dir, root / model_dir.name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def wait_until(condition, timeout=30, what="condition"):
    """Polls `condition` until it returns something true (returned) or `timeout` seconds pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("not within %ss: %s" % (timeout, what))


def class_archive_flags(jar):
    """The server's class archive (bin/record-server-classes), mapped as bin/jepserve maps it: only the archive
    recorded for this jar, and only when it is newer than the jar (a stale one would make the JVM warn)."""
    archive = Path(jar).parent / "jepserve-server.jsa"
    if archive.exists() and archive.stat().st_mtime > Path(jar).stat().st_mtime:
        return ["-XX:SharedArchiveFile=%s" % archive]
    return []


def java_command():
    java_home = os.environ.get("JAVA_HOME")
    return str(Path(java_home) / "bin" / "java") if java_home else "java"


class JepServe:
    """One server process. Its combined output is kept in `self.output` (and a log file) for assertions."""

    def __init__(self, repositories, extra_args=(), http_port=None, metrics_port=None, grpc_port=None):
        self.http_port = http_port or free_port()
        self.metrics_port = metrics_port or free_port()
        # Always a free gRPC port, so that no test server ever takes (or collides on) tritonserver's 8001.
        self.grpc_port = grpc_port or free_port()
        self.url = "localhost:%d" % self.http_port
        self.grpc_url = "localhost:%d" % self.grpc_port
        self.metrics_url = "http://localhost:%d/metrics" % self.metrics_port
        command = [java_command(), *class_archive_flags(JAR), "-jar", str(JAR), "--python", str(VENV),
                   "--http-address", "127.0.0.1", "--http-port", str(self.http_port),
                   "--grpc-address", "127.0.0.1", "--grpc-port", str(self.grpc_port),
                   "--metrics-port", str(self.metrics_port)]
        for repository in repositories:
            command += ["--model-repository", str(repository)]
        command += list(extra_args)
        self._lines = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def _read_output(self):
        for raw in self.process.stdout:
            with self._lock:
                self._lines.append(raw.decode("utf-8", "replace"))

    @property
    def output(self):
        with self._lock:
            return "".join(self._lines)

    def wait_for_output(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return True
            time.sleep(0.05)
        return False

    def wait_live(self, timeout=120):
        """Waits until the HTTP endpoint answers; raises with the server output if the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("jepserve exited with %s:\n%s" % (self.process.returncode, self.output))
            try:
                requests.get("http://%s/v2/health/live" % self.url, timeout=1)
                return self
            except (requests.ConnectionError, requests.Timeout):
                # A read timeout is a busy machine (load 10 on 2 cores), not a failed start: ask again.
                time.sleep(0.1)
        raise TimeoutError("jepserve did not start in %ss:\n%s" % (timeout, self.output))

    def stop(self, timeout=60):
        """SIGTERM, as an operator would; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        return self.process.returncode

    def __enter__(self):
        return self.wait_live()

    def __exit__(self, *exc):
        self.stop()
