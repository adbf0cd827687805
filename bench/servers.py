"""The servers under test, started one at a time on 127.0.0.1, and their memory and CPU.

Each server runs in a session of its own, so its whole process tree (Triton's Python stubs, MLServer's
inference workers) is found by session id for RSS and CPU accounting.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
RESULTS = BENCH / "results"
RAW = RESULTS / "raw"

JEPSERVE_PORT, TRITON_PORT, MLSERVER_PORT = 18000, 18100, 18300


class ServerFailed(RuntimeError):
    pass


def project_python():
    for candidate in (os.environ.get("JEPSERVE_PYTHON"), ROOT / ".venv"):
        if candidate and (Path(candidate) / "bin" / "python").exists():
            return str(candidate)
    raise ServerFailed("no project Python venv found; set JEPSERVE_PYTHON")


class Server:
    """A server process: started on enter, ready when GET /v2/health/ready answers 200, stopped on exit."""

    def __init__(self, name, argv, port, env=None, cwd=None, ready_timeout=180, grpc_port=None):
        self.name, self.argv, self.port, self.grpc_port = name, argv, port, grpc_port
        self.env, self.cwd, self.ready_timeout = env, cwd, ready_timeout
        self.log_path = RAW / ("%s.server.log" % name)
        self.proc = None

    @property
    def url(self):
        return "127.0.0.1:%d" % self.port

    @property
    def grpc_url(self):
        return "127.0.0.1:%d" % self.grpc_port

    def address(self, protocol):
        """host:port of the HTTP or the gRPC endpoint."""
        return self.grpc_url if protocol == "grpc" else self.url

    def __enter__(self):
        RAW.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT, env=self.env,
                                     cwd=self.cwd, start_new_session=True)
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise ServerFailed("%s exited with %s before it was ready:\n%s"
                                   % (self.name, self.proc.returncode, self.log_tail()))
            if http_status("http://%s/v2/health/ready" % self.url) == 200:
                return self
            time.sleep(0.5)
        self.stop()
        raise ServerFailed("%s not ready after %d s:\n%s" % (self.name, self.ready_timeout, self.log_tail()))

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """SIGTERM to the server, SIGKILL to whatever of its session is left after 40 s."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid in session_pids(self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()
        self.proc = None

    def log_tail(self, lines=15):
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def pids(self):
        return session_pids(self.proc.pid) if self.proc else []


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except Exception:
        return None


def session_pids(sid):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path("/proc", entry, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid:  # fields after "(comm)": state ppid pgrp session ...
                pids.append(int(entry))
    return pids


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path("/proc", str(pid), "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            stat = Path("/proc", str(pid), "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU time of the whole machine (all cores, every process) from /proc/stat: user+nice+system+irq+softirq+steal."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:3]) + sum(fields[5:8])) / os.sysconf("SC_CLK_TCK")


class Sampler:
    """Samples a server's tree RSS every 200 ms (VmRSS summed over its processes) and its CPU time, and the
    machine's CPU time, so that what other processes (other engineers' builds) took during a run shows."""

    def __init__(self, server):
        self.server = server
        self.samples = []

    def __enter__(self):
        self._stop = threading.Event()
        self._cpu0, self._t0 = cpu_seconds(self.server.pids()), time.monotonic()
        self._machine0 = machine_busy_seconds()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.2):
            self.samples.append(rss_kib(self.server.pids()))

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        elapsed = time.monotonic() - self._t0
        self.result = {
            "rss_peak_mib": round(max(self.samples, default=0) / 1024, 1),
            "rss_mean_mib": round(sum(self.samples) / max(len(self.samples), 1) / 1024, 1),
            "server_cpu_percent": round(100 * (cpu_seconds(self.server.pids()) - self._cpu0) / elapsed, 1),
            "machine_cpu_percent": round(100 * (machine_busy_seconds() - self._machine0) / elapsed, 1),
            "load_average_1m": float(Path("/proc/loadavg").read_text().split()[0]),
        }


def model_repository():
    """One repository for jepserve and Triton: the examples' custom_metrics and the bench models."""
    repo = RESULTS / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    for source in (ROOT / "examples" / "custom_metrics", BENCH / "models" / "add_sub_4mb",
                   BENCH / "models" / "add_sub_stream", BENCH / "models" / "metric_increment"):
        shutil.copytree(source, repo / source.name, ignore=shutil.ignore_patterns("__pycache__", "client.py"))
    return repo


def class_archive_flags(jar):
    """The server's class archive, mapped as bin/jepserve maps it (bin/record-server-classes): only the one
    recorded next to this jar, and only when it is newer than the jar."""
    archive = Path(jar).parent / "jepserve-server.jsa"
    if archive.exists() and archive.stat().st_mtime > Path(jar).stat().st_mtime:
        return ["-XX:SharedArchiveFile=%s" % archive]
    return []


def jepserve(repo, name="jepserve", port=JEPSERVE_PORT, extra=()):
    """jepserve on port (HTTP), port + 1 (gRPC), port + 2 (metrics); extra: more flags (--python-isolation ...)."""
    jar = os.environ.get("JEPSERVE_JAR") or ROOT / "target" / "jepserve.jar"  # a copy, to rebuild meanwhile
    return Server(name, ["java", *class_archive_flags(jar), "-jar", str(jar), "--python", project_python(), "--model-repository", str(repo),
                         "--bench-floor-model", "--http-address", "127.0.0.1", "--http-port", str(port),
                         "--metrics-port", str(port + 2), "--grpc-address", "127.0.0.1",
                         "--grpc-port", str(port + 1), *extra], port, grpc_port=port + 1)


def triton(repo):
    """tritonserver from the nvidia-pytriton wheel, on the wheel's Python backend.

    The backend wants its stub (built per Python minor version, shipped under python_backend_stubs/)
    next to libtriton_python.so, so a backend directory is assembled under results/. The stub embeds
    CPython in isolated mode: it finds its prefix by looking up "python3" on PATH, so the bench venv's
    bin/ goes first on PATH to give the stub the venv's site-packages (numpy).
    """
    wheel = Path(sysconfig.get_paths()["purelib"]) / "pytriton" / "tritonserver"
    libs = wheel.parent.parent / "nvidia_pytriton.libs"
    backend = RESULTS / "triton-backends" / "python"
    backend.mkdir(parents=True, exist_ok=True)
    stub = wheel / "python_backend_stubs" / ("%d.%d" % sys.version_info[:2]) / "triton_python_backend_stub"
    for source in (wheel / "backends" / "python" / "libtriton_python.so",
                   wheel / "backends" / "python" / "triton_python_backend_utils.py", stub):
        shutil.copy2(source, backend / source.name)
    env = dict(os.environ)
    env["PATH"] = "%s:%s" % (VENV / "bin", env.get("PATH", ""))
    env["LD_LIBRARY_PATH"] = "%s:%s" % (libs, sysconfig.get_config_var("LIBDIR"))
    return Server("triton", [str(wheel / "bin" / "tritonserver"), "--model-repository", str(repo),
                             "--backend-directory", str(backend.parent), "--http-address", "127.0.0.1",
                             "--http-port", str(TRITON_PORT), "--grpc-address", "127.0.0.1",
                             "--grpc-port", str(TRITON_PORT + 1), "--metrics-port", str(TRITON_PORT + 2)],
                  TRITON_PORT, env=env, grpc_port=TRITON_PORT + 1)


def mlserver():
    """MLServer on bench/mlserver (settings.json there binds 127.0.0.1:18300, gRPC 18301, metrics 18302)."""
    settings = json.loads((BENCH / "mlserver" / "settings.json").read_text())
    assert settings["http_port"] == MLSERVER_PORT
    return Server("mlserver", [str(VENV / "bin" / "mlserver"), "start", "."], MLSERVER_PORT,
                  cwd=str(BENCH / "mlserver"))
