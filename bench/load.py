"""The load generators: perf_analyzer (Triton's client: HTTP with binary tensors, gRPC, gRPC streaming) and wrk
(plain JSON POSTs).

Both run closed loops of C concurrent requests against 127.0.0.1 for a bounded count or duration. Each
run returns throughput (requests/s), p50 and p99 latency (µs) and the client's own CPU use, or an error.
"""

import csv
import json
import os
import re
import resource
import subprocess
import time

import numpy as np

from servers import BENCH, RAW, VENV

PA_BIN = VENV / "perf_analyzer-2.60.0" / "perf_analyzer" / "bin" / "perf_analyzer"
TRIXIE_LIBS = VENV / "trixie" / "usr" / "lib" / "x86_64-linux-gnu"
WRK_ROOT = VENV / "debroot"


def _run(argv, log_name, timeout, env=None):
    """Runs a client to completion; returns (exit code or None on time-out, output, client CPU %)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, env=env)
        code, output = proc.returncode, proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as expired:
        code, output = None, (expired.output or b"").decode(errors="replace") + "\n[timed out]"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = time.monotonic() - started
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    (RAW / log_name).write_text(" ".join(map(str, argv)) + "\n\n" + output)
    return code, output, round(100 * cpu / elapsed, 1)


def perf_analyzer(url, model, concurrency, tag, shapes=(), request_count=None, window_ms=3000, warmup=200,
                  protocol="http", streaming=False):
    """One perf_analyzer measurement at one concurrency.

    Small tensors: three time windows of window_ms, averaged (a stability band of 1000 % makes perf_analyzer
    accept the first three windows instead of retrying on a noisy machine). Large tensors: a fixed
    request_count, because perf_analyzer 2.60 keeps every response in memory until it exits.
    protocol: "http" (binary tensors) or "grpc". streaming: gRPC's bidirectional ModelStreamInfer with
    asynchronous requests (`--async --streaming`), which perf_analyzer requires for decoupled models; it keeps
    `concurrency` requests in flight and counts a request done at its final response.
    """
    csv_path = RAW / ("%s.pa.csv" % tag)
    argv = [str(TRIXIE_LIBS / "ld-linux-x86-64.so.2"), "--library-path", "%s:/lib/x86_64-linux-gnu" % TRIXIE_LIBS,
            str(PA_BIN), "-m", model, "-u", url, "-i", protocol, "--concurrency-range", str(concurrency),
            "--warmup-request-count", str(warmup), "-f", str(csv_path)]
    if streaming:
        argv += ["--async", "--streaming"]
    for shape in shapes:
        argv += ["--shape", shape]
    if request_count:
        argv += ["--request-count", str(request_count)]
    else:
        argv += ["--measurement-interval", str(window_ms), "--stability-percentage", "1000", "--max-trials", "3"]
    if csv_path.exists():
        csv_path.unlink()
    code, output, client_cpu = _run(argv, "%s.pa.log" % tag, timeout=240)
    if code != 0 or not csv_path.exists():
        return {"error": _error_lines(output, code)}
    with open(csv_path) as f:
        row = next(csv.DictReader(f))
    result = {"throughput": float(row["Inferences/Second"]), "p50_us": int(row["p50 latency"]),
              "p99_us": int(row["p99 latency"]), "client_cpu_percent": client_cpu}
    if row.get("Response Throughput"):  # decoupled models: responses/s, the final-flag-only ones included
        result["response_throughput"] = float(row["Response Throughput"])
    return result


def json_body(length, tag):
    """A V2 JSON request for the add/sub models: INPUT0, INPUT1 of `length` random FP32 values."""
    path = RAW / ("%s.body.json" % tag)
    if not path.exists():
        rng = np.random.default_rng(0)
        inputs = [{"name": name, "shape": [length], "datatype": "FP32",
                   "data": [round(float(v), 6) for v in rng.random(length, dtype=np.float32)]}
                  for name in ("INPUT0", "INPUT1")]
        path.write_text(json.dumps({"inputs": inputs, "outputs": [{"name": "OUTPUT0"}, {"name": "OUTPUT1"}]}))
    return path


def wrk(url, model, concurrency, tag, body, seconds):
    """wrk: `concurrency` connections on one thread, each POSTing the JSON body again as soon as it is answered."""
    env = dict(os.environ, BODY_FILE=str(body), LD_LIBRARY_PATH=str(WRK_ROOT / "usr/lib/x86_64-linux-gnu"))
    argv = [str(WRK_ROOT / "usr/bin/wrk"), "-t1", "-c%d" % concurrency, "-d%ds" % seconds, "--timeout", "60s",
            "--latency", "-s", str(BENCH / "post.lua"), "http://%s/v2/models/%s/infer" % (url, model)]
    code, output, client_cpu = _run(argv, "%s.wrk.log" % tag, timeout=seconds + 90, env=env)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", output)
    if code != 0 or not (rate and p50 and p99) or bad:
        return {"error": _error_lines(output, code)}
    return {"throughput": float(rate.group(1)), "p50_us": _micros(p50), "p99_us": _micros(p99),
            "client_cpu_percent": client_cpu}


def _micros(match):
    return round(float(match.group(1)) * {"us": 1, "ms": 1e3, "s": 1e6}[match.group(2)])


def _error_lines(output, code):
    lines = [line for line in output.splitlines() if line.strip()]
    return "exit %s: %s" % (code, " | ".join(lines[-4:]))
