"""Soak: a bounded run of mixed good, bad, failing, slow and crashing requests against one jepserve.

Starts target/jepserve.jar on free ports with a repository of copies of examples/add_sub and test models
(execute_raises fails, cancel_aware is slow, stub_crash takes its stub process down, typed_echo gets bad
values), then keeps CONCURRENCY requests in flight for DURATION seconds. Every request has the statuses it may
get; anything else (another status, a reset, a time-out) is an unexpected result. Every INTERVAL seconds it
samples the server's RSS, threads and open files (the JVM and its stub processes), and prints one line.

    .venv/bin/python bench/soak.py --duration 300 --concurrency 32
    nice -n 15 .venv/bin/python bench/soak.py --duration 1800 --jvm-flag=-Xmx256m --histogram-at 300 --histogram-at 1700

--jvm-flag passes a flag to the server JVM (a capped heap shows whether RSS levels off); --histogram-at takes
a heap class histogram (`jcmd <pid> GC.class_histogram`, which runs a full GC first) at that second of the
run and keeps its top classes in the result, so two of them show what grows if anything does.

Writes the samples and totals as JSON to bench/results/soak-<UTC time>.json. Exit status 1 when any result
was unexpected or the server died.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

PROJECT = Path(__file__).resolve().parents[1]
JAR = PROJECT / "target" / "jepserve.jar"
VENV = PROJECT / ".venv"
MODELS = [PROJECT / "examples" / "add_sub"] + [PROJECT / "tests" / "models" / name for name in
                                              ("execute_raises", "cancel_aware", "stub_crash", "typed_echo")]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tensor(name, datatype, shape, data):
    return {"name": name, "datatype": datatype, "shape": shape, "data": data}


def body(*inputs):
    return json.dumps({"inputs": list(inputs)}).encode()


ADD_SUB = body(tensor("INPUT0", "FP32", [4], [1, 2, 3, 4]), tensor("INPUT1", "FP32", [4], [1, 1, 1, 1]))
# (name, weight, path, body, accepted statuses)
MIX = [
    ("ok", 40, "add_sub", ADD_SUB, {200}),
    ("ok-values", 8, "typed_echo", body(tensor("INT8", "INT8", [2], [-128, 127])), {200}),
    ("model-raises", 10, "execute_raises", body(tensor("X", "INT32", [1], [-1])), {500}),
    ("model-error", 5, "execute_raises", body(tensor("X", "INT32", [1], [0])), {400}),
    ("slow", 6, "cancel_aware", body(tensor("WAIT_MS", "INT32", [1], [20])), {200}),
    # While a crashed stub restarts its model is not ready: 404 "has no available versions", or 500 not healthy.
    ("stub-ok", 5, "stub_crash", body(tensor("MODE", "BYTES", [1], ["pid"])), {200, 404, 500}),
    ("stub-crash", 1, "stub_crash", body(tensor("MODE", "BYTES", [1], ["exit"])), {404, 500}),
    ("bad-json", 5, "add_sub", b'{"inputs": [', {500}),
    ("bad-range", 5, "typed_echo", body(tensor("INT32", "INT32", [1], [2147483648])), {400}),
    ("bad-ragged", 5, "typed_echo", body(tensor("INT32", "INT32", [4], [[1, 2], [3], [4]])), {400}),
    ("bad-shape", 5, "add_sub", body(tensor("INPUT0", "FP32", [3], [1, 2, 3])), {400}),
    ("unknown-model", 5, "no_such_model", ADD_SUB, {404}),
]


class Tally:
    def __init__(self):
        self.requests = 0
        self.unexpected = 0
        self.by_kind = {name: 0 for name, *_ in MIX}
        self.examples = []

    def record(self, kind, ok, detail):
        self.requests += 1
        self.by_kind[kind] += 1
        if not ok:
            self.unexpected += 1
            if len(self.examples) < 20:
                self.examples.append("%s: %s" % (kind, detail))


def process_figures(pid):
    """RSS (MiB), threads and open files of the process and its children (stub processes)."""
    pids = [pid] + children(pid)
    rss = threads = files = 0
    for one in pids:
        try:
            status = Path("/proc/%d/status" % one).read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            rss += int(fields["VmRSS"].split()[0]) // 1024
            threads += int(fields["Threads"])
            files += len(os.listdir("/proc/%d/fd" % one))
        except (FileNotFoundError, ProcessLookupError, KeyError):
            pass
    return {"rss_mib": rss, "jvm_rss_mib": own_rss(pid), "threads": threads, "open_files": files,
            "processes": len(pids)}


def own_rss(pid):
    """RSS (MiB) of the server JVM alone."""
    try:
        for line in Path("/proc/%d/status" % pid).read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def class_histogram(pid, top=25):
    """The top classes of the JVM's live heap (a full GC first), and the total line."""
    try:
        text = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True,
                              timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"error": repr(error)}
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    rows = [line for line in lines if line.lstrip()[:1].isdigit() and ":" in line]
    total = [line for line in lines if line.startswith("Total")]
    return {"top": rows[:top], "total": total[0] if total else None}


def children(pid):
    """Child processes of every thread of pid (a child belongs to the thread that started it), recursively."""
    found = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except FileNotFoundError:
        return []
    for task in tasks:
        try:
            found += [int(p) for p in Path("/proc/%d/task/%s/children" % (pid, task)).read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found + [grandchild for child in found for grandchild in children(child)]


async def worker(session, base, tally, stop_at, weights, rng):
    while time.monotonic() < stop_at:
        kind, _, model, payload, accepted = rng.choices(MIX, weights=weights)[0]
        try:
            async with session.post("%s/v2/models/%s/infer" % (base, model), data=payload) as reply:
                text = await reply.read()
                ok = reply.status in accepted
                if ok and reply.status != 200:
                    ok = json.loads(text).keys() == {"error"}
                tally.record(kind, ok, "%d %s" % (reply.status, text[:200]))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            tally.record(kind, False, repr(error))


async def sampler(pid, tally, started, stop_at, interval, samples, histogram_at, histograms):
    previous = 0
    pending = sorted(histogram_at)
    while True:
        now = time.monotonic()
        while pending and now - started >= pending[0]:
            at = pending.pop(0)
            histogram = await asyncio.to_thread(class_histogram, pid)
            histogram["t"] = round(time.monotonic() - started)
            histograms.append(histogram)
            print("t=%5ds  heap histogram: %s" % (histogram["t"], histogram.get("total")), flush=True)
        figures = process_figures(pid)
        figures.update(t=round(now - started), requests=tally.requests - previous, unexpected=tally.unexpected)
        previous = tally.requests
        samples.append(figures)
        print("t=%5ds  req/interval=%6d  unexpected=%d  rss=%4d MiB (jvm %4d)  threads=%3d  files=%3d  "
              "processes=%d" % (figures["t"], figures["requests"], figures["unexpected"], figures["rss_mib"],
                                figures["jvm_rss_mib"], figures["threads"], figures["open_files"],
                                figures["processes"]), flush=True)
        if now >= stop_at:
            return
        wake = stop_at
        if pending:
            wake = min(wake, started + pending[0])
        await asyncio.sleep(min(interval, max(0.1, wake - time.monotonic())))


async def run(args, base, pid):
    tally = Tally()
    samples = []
    histograms = []
    weights = [weight for _, weight, *_ in MIX]
    started = time.monotonic()
    stop_at = started + args.duration
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        tasks = [asyncio.create_task(worker(session, base, tally, stop_at, weights, random.Random(i)))
                 for i in range(args.concurrency)]
        await sampler(pid, tally, started, stop_at, args.interval, samples, args.histogram_at, histograms)
        await asyncio.gather(*tasks)
    return tally, samples, histograms, time.monotonic() - started


def wait_live(base, process, timeout=180):
    import urllib.request
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("jepserve exited with %s" % process.returncode)
        try:
            with urllib.request.urlopen(base + "/v2/health/ready", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("jepserve not ready after %d s" % timeout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--interval", type=int, default=30, help="seconds between samples")
    parser.add_argument("--server-arg", action="append", default=[], help="extra jepserve flag (repeatable)")
    parser.add_argument("--jvm-flag", action="append", default=[],
                        help="flag for the server JVM, e.g. --jvm-flag=-Xmx256m (repeatable)")
    parser.add_argument("--histogram-at", action="append", type=int, default=[],
                        help="second of the run at which to take a heap class histogram (repeatable)")
    args = parser.parse_args()

    repository = Path(tempfile.mkdtemp(prefix="jepserve-soak-"))
    for model in MODELS:
        shutil.copytree(model, repository / model.name, ignore=shutil.ignore_patterns("__pycache__"))
    # A copy of the jar: rebuilding target/ while the soak runs must not change the classes under the server.
    jar = repository / "jepserve.jar"
    shutil.copyfile(JAR, jar)
    port = free_port()
    log_path = repository / "server.log"
    command = ["java"] + args.jvm_flag + [
        "-jar", str(jar), "--python", str(VENV), "--model-repository", str(repository),
               "--http-address", "127.0.0.1", "--http-port", str(port), "--grpc-port", str(free_port()),
               "--metrics-port", str(free_port()), "--strict-readiness", "false"] + args.server_arg
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    try:
        wait_live(base, process)
        tally, samples, histograms, elapsed = asyncio.run(run(args, base, process.pid))
        alive = process.poll() is None
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
    log_text = log_path.read_text(errors="replace")
    traces = log_text.count("\tat ")
    result = {
        "duration_s": round(elapsed), "concurrency": args.concurrency, "jvm_flags": args.jvm_flag,
        "requests": tally.requests,
        "requests_per_s": round(tally.requests / elapsed), "unexpected": tally.unexpected,
        "unexpected_examples": tally.examples, "by_kind": tally.by_kind, "server_alive_at_end": alive,
        "stack_trace_lines_in_log": traces, "exit_code": process.returncode, "samples": samples,
        "heap_histograms": histograms,
    }
    results = PROJECT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / ("soak-%s.json" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k not in ("samples", "heap_histograms")}, indent=1))
    print("written to", out.relative_to(PROJECT))
    if tally.unexpected == 0 and alive and traces == 0:
        shutil.rmtree(repository, ignore_errors=True)
    else:
        print("server log kept:", log_path)
    sys.exit(0 if tally.unexpected == 0 and alive else 1)


if __name__ == "__main__":
    main()
