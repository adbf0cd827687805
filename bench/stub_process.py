"""Stub-process figures (issue 8's "Must show"): time to ready of examples/ in both isolation modes, RSS per
stub process with numpy imported, pb_utils Metric.increment() inside a stub, and a CPU-bound pure-Python model
with count 2 against count 1 in process mode. Writes bench/results/stub_process.json and prints a summary.

Usage: .venv/bin/python bench/stub_process.py   (uses target/jepserve.jar; about 3 minutes)
"""

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import servers  # bench/servers.py: launch flags shared with the other benchmarks

ROOT = Path(__file__).resolve().parents[1]
JAR = ROOT / "target" / "jepserve.jar"
VENV = ROOT / ".venv"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, repository, *args):
        self.port = free_port()
        self.lines = []
        command = ["java", *servers.class_archive_flags(JAR), "-jar", str(JAR), "--python", str(VENV), "--model-repository", str(repository),
                   "--http-address", "127.0.0.1", "--http-port", str(self.port), "--grpc-port", str(free_port()),
                   "--metrics-port", str(free_port()), *args]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=lambda: [self.lines.append(line.decode(errors="replace")) for line in self.process.stdout],
                         daemon=True).start()

    def wait_ready(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/v2/health/ready" % self.port, timeout=1) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("".join(self.lines))
            time.sleep(0.02)
        raise TimeoutError("not ready")

    def infer(self, model, name, value):
        body = json.dumps({"inputs": [{"name": name, "shape": [1], "datatype": "INT64", "data": [value]}]}).encode()
        request = urllib.request.Request("http://127.0.0.1:%d/v2/models/%s/infer" % (self.port, model), data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return {o["name"]: o["data"][0] for o in json.load(response)["outputs"]}

    def stub_pids(self):
        return [int(pid) for pid in re.findall(r"started stub process (\d+)", "".join(self.lines))]

    def stop(self):
        self.process.terminate()
        self.process.wait(60)


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def time_to_ready(mode, runs=3):
    times, rss = [], []
    for _ in range(runs):
        server = Server(ROOT / "examples", "--python-isolation", mode)
        try:
            times.append(round(server.wait_ready(), 2))
            if mode == "process":
                time.sleep(1)  # the stubs settle (numpy imported at their start)
                rss += [round(rss_mib(pid), 1) for pid in server.stub_pids()]
        finally:
            server.stop()
    return times, rss


def increment(mode):
    repository = Path(tempfile.mkdtemp(prefix="bench-incr-"))
    shutil.copytree(ROOT / "bench" / "models" / "metric_increment", repository / "metric_increment")
    server = Server(repository, "--python-isolation", mode)
    try:
        server.wait_ready()
        results = [server.infer("metric_increment", "N", 1_000_000) for _ in range(5)]
    finally:
        server.stop()
        shutil.rmtree(repository)
    return round(statistics.median(r["NS_PER_CALL"] for r in results), 1)


def cpu_scaling(seconds=15, n=300_000):
    figures = {}
    for count in (1, 2):
        repository = Path(tempfile.mkdtemp(prefix="bench-cpu-"))
        shutil.copytree(ROOT / "bench" / "models" / "cpu_python", repository / "cpu_python")
        config = repository / "cpu_python" / "config.pbtxt"
        config.write_text(config.read_text().replace("count: 1", "count: %d" % count))
        server = Server(repository, "--python-isolation", "process")
        try:
            server.wait_ready()
            server.infer("cpu_python", "N", n)  # warm up
            done = []
            stop_at = time.monotonic() + seconds

            def client():
                while time.monotonic() < stop_at:
                    server.infer("cpu_python", "N", n)
                    done.append(1)

            threads = [threading.Thread(target=client) for _ in range(2)]
            [thread.start() for thread in threads]
            [thread.join() for thread in threads]
            figures[count] = round(len(done) / seconds, 2)
        finally:
            server.stop()
            shutil.rmtree(repository)
    return figures


def main():
    result = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count()}
    result["time_to_ready_s"] = {}
    for mode in ("process", "inprocess"):
        times, rss = time_to_ready(mode)
        result["time_to_ready_s"][mode] = times
        if rss:
            result["stub_rss_mib"] = rss
    result["increment_ns"] = {mode: increment(mode) for mode in ("process", "inprocess")}
    result["cpu_python_requests_per_s"] = cpu_scaling()
    result["load_average_after"] = os.getloadavg()
    scaling = result["cpu_python_requests_per_s"]
    result["cpu_python_speedup"] = round(scaling[2] / scaling[1], 2)
    out = ROOT / "bench" / "results" / "stub_process.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
