"""Runs every benchmark and writes the results (bench/run.sh calls this).

jepserve and Triton run together and every perf_analyzer point is measured on jepserve, its floor and Triton
back to back (the machine is shared: its load swings within minutes); MLServer runs alone afterwards.

  jepserve   perf_analyzer over HTTP (binary tensors) and over gRPC on custom_metrics (FP32[4]) and add_sub_4mb
             (FP32[1048576]), each followed at the same concurrency and protocol by the same load on
             jepserve_floor (same server, Java add/sub, no Python); perf_analyzer over gRPC streaming on the
             decoupled add_sub_stream (FP32[4], one response then the final flag); wrk with JSON bodies on the
             two add/sub models (the load MLServer can take); metric increment cost
  Triton     the same perf_analyzer runs on the same repository; metric increment cost
  MLServer   perf_analyzer attempted (it cannot drive MLServer: the error is recorded); the same wrk runs

The HTTP perf_analyzer runs of the last committed results.json are kept in the new one ("previous"), so the
report can set this run's HTTP ratios beside the previous run's.

Outputs: results/raw/ (every client's and server's output), results/results.json, results/summary.md.
"""

import contextlib
import json
import os
import platform
import subprocess
import time
from datetime import datetime, timezone

import load
import metric_increment
import report
import servers
from servers import RESULTS, RAW, Sampler

CONCURRENCY = (1, 4, 16)
PAYLOADS = {"16 B": ("custom_metrics", 4), "4 MB": ("add_sub_4mb", 1048576)}
PROTOCOLS = ("http", "grpc")
CLIENTS = {"http": "perf_analyzer", "grpc": "perf_analyzer-grpc"}   # "client" of a run in results.json
STREAM_CLIENT, STREAM_MODEL = "perf_analyzer-grpc-stream", "add_sub_stream"
LARGE_REQUESTS = 100    # perf_analyzer requests per 4 MB point (it holds every response until it exits)
# Unmeasured requests at the start of each small point, on the point's own connections. A JVM that ran one client
# for a while recompiles for 2-3 s when a new one connects (bench/README.md, fifth session):
# 2,000 requests (about 1 s at c=1) left that inside the measurement windows.
SMALL_WARMUP = 8000
# Unrecorded 16 B requests per server, model and protocol before any point (c=4). The server's JIT compiler was
# still busy after 9,000 (0.4-0.6 ms of compiler CPU per request over the next 8 s; bench/README.md, fifth
# session); Triton gets the same for symmetry.
WARMUP_REQUESTS = 20000
WRK_SECONDS = {"16 B": 6, "4 MB": 15}


class Bench:
    def __init__(self):
        self.results = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        "machine": machine(), "jepserve_commit": jepserve_commit(), "runs": [],
                        "idle_rss_mib": {}, "failures": {}, "metric_increment": {},
                        "previous": previous_http_runs()}

    def record(self, server, series, client, payload, concurrency, measure):
        tag = "%s-%s-%s-c%d" % (series, client, payload.replace(" ", ""), concurrency)
        with Sampler(server) as sampler:
            result = measure(tag)
        result.update(sampler.result)
        result.update(series=series, client=client, payload=payload, concurrency=concurrency)
        self.results["runs"].append(result)
        shown = result.get("error") or "%(throughput).1f req/s, p50 %(p50_us)d us, p99 %(p99_us)d us" % result
        print("  %-9s %-25s %-4s c=%-2d %s (RSS peak %.0f MiB)"
              % (series, client, payload, concurrency, shown, result["rss_peak_mib"]), flush=True)

    def probe(self, title, *args):
        result = probe_perf_analyzer(*args)
        self.results["failures"][title] = result
        print("  %s: %s" % (title, result), flush=True)

    def idle(self, server, name):
        time.sleep(2)
        self.results["idle_rss_mib"][name] = round(servers.rss_kib(server.pids()) / 1024, 1)

    def perf_analyzer(self, server, series, payload, concurrency, protocol="http", floor=False):
        model, length = PAYLOADS[payload]
        shapes = ("INPUT0:%d" % length, "INPUT1:%d" % length) if floor else ()
        large = length > 4
        self.record(server, series, CLIENTS[protocol], payload, concurrency, lambda tag: load.perf_analyzer(
            server.address(protocol), "jepserve_floor" if floor else model, concurrency, tag, shapes=shapes,
            request_count=LARGE_REQUESTS if large else None, warmup=8 if large else SMALL_WARMUP, protocol=protocol))

    def streaming(self, server, series, c):
        """The decoupled add_sub_stream over gRPC streaming (perf_analyzer --async --streaming), 16 B."""
        self.record(server, series, STREAM_CLIENT, "16 B", c, lambda tag: load.perf_analyzer(
            server.grpc_url, STREAM_MODEL, c, tag, warmup=SMALL_WARMUP, protocol="grpc", streaming=True))

    def wrk(self, server, series, payload):
        model, length = PAYLOADS[payload]
        body = load.json_body(length, payload.replace(" ", ""))
        load.wrk(server.url, model, 4, "%s-warmup-%s" % (series, payload.replace(" ", "")), body, 2)
        for c in CONCURRENCY:
            self.record(server, series, "wrk-json", payload, c,
                        lambda tag: load.wrk(server.url, model, c, tag, body, WRK_SECONDS[payload]))

    def warm_up(self, server, *models):
        """WARMUP_REQUESTS unrecorded 16 B requests per model and protocol at c=4 (and as many streamed to the
        decoupled model), so the JVM's JIT has compiled each hot path; Triton gets the same for symmetry."""
        for model in models:
            shapes = ("INPUT0:4", "INPUT1:4") if model == "jepserve_floor" else ()
            for protocol in PROTOCOLS:
                load.perf_analyzer(server.address(protocol), model, 4, "%s-%s-%s-warmup" % (server.name, model, protocol),
                                   shapes=shapes, request_count=WARMUP_REQUESTS, protocol=protocol)
        load.perf_analyzer(server.grpc_url, STREAM_MODEL, 4, "%s-%s-warmup" % (server.name, STREAM_MODEL),
                           request_count=WARMUP_REQUESTS, protocol="grpc", streaming=True)

    def side_by_side(self, jep, triton, payload):
        """Every perf_analyzer point of one payload, each measured on jepserve, its floor and Triton back to back
        (HTTP, then gRPC), so that the shared machine's drift over minutes falls on the three alike."""
        for c in CONCURRENCY:
            for protocol in PROTOCOLS:
                self.perf_analyzer(jep, "jepserve", payload, c, protocol)
                self.perf_analyzer(jep, "floor", payload, c, protocol, floor=True)
                if triton:
                    self.perf_analyzer(triton, "triton", payload, c, protocol)
        if payload == "16 B":
            for c in CONCURRENCY:
                for series, server in (("jepserve", jep), ("triton", triton)):
                    if server:
                        self.streaming(server, series, c)

    def run_jepserve_and_triton(self, repo):
        """jepserve and Triton up together (the idle one costs next to no CPU), the loads alternating."""
        with servers.jepserve(repo) as jep, contextlib.ExitStack() as stack:
            self.idle(jep, "jepserve")
            triton = None
            try:
                triton = stack.enter_context(servers.triton(repo))
                self.idle(triton, "triton")
            except servers.ServerFailed as failure:
                self.results["failures"]["triton"] = str(failure)
                print("  Triton FAILED: %s" % failure, flush=True)
            self.warm_up(jep, "custom_metrics", "jepserve_floor")
            if triton:
                self.warm_up(triton, "custom_metrics")
            # Small payloads first: the 4 MB runs' heap growth would show in the small runs' RSS and in the
            # metric measurement, which comes while the JVM is warm from the small runs.
            self.side_by_side(jep, triton, "16 B")
            self.results["metric_increment"]["jepserve"] = metric_increment.measure(jep.url, 1_000_000, 7)
            if triton:
                # Every increment is an IPC round trip here: N = 10,000 keeps a call to about a second.
                self.results["metric_increment"]["triton"] = metric_increment.measure(triton.url, 10_000, 7)
            self.wrk(jep, "jepserve", "16 B")
            self.side_by_side(jep, triton, "4 MB")
            self.wrk(jep, "jepserve", "4 MB")
            # Why MLServer is driven by wrk: perf_analyzer's JSON tensors are broken even against jepserve.
            self.probe("perf_analyzer --input-tensor-format json against jepserve", jep.url, "http",
                       "jepserve-json", "--input-tensor-format", "json", "--output-tensor-format", "json")

    def run_mlserver(self):
        with servers.mlserver() as server:
            self.idle(server, "mlserver")
            for interface, url in (("http", server.url), ("grpc", "127.0.0.1:%d" % (servers.MLSERVER_PORT + 1))):
                self.probe("perf_analyzer -i %s against MLServer" % interface,
                           url, interface, "mlserver-" + interface)
            for payload in PAYLOADS:
                self.wrk(server, "mlserver", payload)

    def run(self):
        RAW.mkdir(parents=True, exist_ok=True)
        repo = servers.model_repository()
        for name, step in (("jepserve and triton", lambda: self.run_jepserve_and_triton(repo)),
                           ("mlserver", self.run_mlserver)):
            print("== %s" % name, flush=True)
            try:
                step()
            except servers.ServerFailed as failure:
                self.results["failures"][name] = str(failure)
                print("  FAILED: %s" % failure, flush=True)
        self.results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        (RESULTS / "results.json").write_text(json.dumps(self.results, indent=1) + "\n")
        (RESULTS / "summary.md").write_text(report.summary(self.results))
        print("\n" + (RESULTS / "summary.md").read_text())


def probe_perf_analyzer(url, interface, name, *extra):
    """perf_analyzer's own words on a load it cannot generate: returns "works" or its error."""
    argv = [str(load.TRIXIE_LIBS / "ld-linux-x86-64.so.2"), "--library-path",
            "%s:/lib/x86_64-linux-gnu" % load.TRIXIE_LIBS, str(load.PA_BIN), "-m", "custom_metrics",
            "-u", url, "-i", interface, "--concurrency-range", "1", "--request-count", "20", *extra]
    code, output, _ = load._run(argv, "probe-%s.pa.log" % name, timeout=60)
    return "works" if code == 0 else load._error_lines(output, code)


def jepserve_commit():
    """The commit the jar was built from (run.sh rebuilds it when src/ is newer), "+dirty" if src/ has edits."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=servers.ROOT, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD")
    return commit + ("+dirty" if git("status", "--porcelain", "--", "src", "python", "pom.xml") else "")


def previous_http_runs():
    """The HTTP perf_analyzer runs of the last committed results.json (or of the file on disk if none is
    committed), with their start time: this run's HTTP ratios are set beside them."""
    path = "bench/results/results.json"
    shown = subprocess.run(["git", "show", "HEAD:" + path], cwd=servers.ROOT, capture_output=True, text=True)
    if shown.returncode == 0:
        old = json.loads(shown.stdout)
    elif (servers.ROOT / path).exists():
        old = json.loads((servers.ROOT / path).read_text())
    else:
        return None
    return {"started": old["started"], "finished": old.get("finished"), "jepserve_commit": old.get("jepserve_commit"),
            "runs": [r for r in old["runs"] if r["client"] == "perf_analyzer"]}


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    mem = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(int(mem) / 2**20, 1),
            "kernel": platform.release(), "java": java, "python": platform.python_version()}


class IsolationBench(Bench):
    """`bench.py --isolation`: jepserve with stub processes (the default), jepserve in-process and Triton up
    together, every point measured on the three back to back: custom_metrics at c=1 and 16 and add_sub_4mb at
    c=1 and 16, over HTTP (binary tensors) and gRPC. Writes results/isolation.json (about 10 minutes)."""

    POINTS = (("16 B", 1), ("16 B", 16), ("4 MB", 1), ("4 MB", 16))

    def run(self):
        RAW.mkdir(parents=True, exist_ok=True)
        repo = servers.model_repository()
        with servers.jepserve(repo, "jepserve-process", extra=("--python-isolation", "process")) as process, \
                servers.jepserve(repo, "jepserve-inprocess", port=servers.JEPSERVE_PORT + 10,
                                 extra=("--python-isolation", "inprocess")) as inprocess, \
                servers.triton(repo) as triton:
            trio = (("process", process), ("inprocess", inprocess), ("triton", triton))
            for _, server in trio:
                for protocol in PROTOCOLS:
                    load.perf_analyzer(server.address(protocol), "custom_metrics", 4,
                                       "%s-custom_metrics-%s-warmup" % (server.name, protocol),
                                       request_count=WARMUP_REQUESTS, protocol=protocol)
            for payload, c in self.POINTS:
                for protocol in PROTOCOLS:
                    for series, server in trio:
                        self.perf_analyzer(server, series, payload, c, protocol)
        self.results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        (RESULTS / "isolation.json").write_text(json.dumps(self.results, indent=1) + "\n")
        print("\n" + isolation_table(self.results))


def isolation_table(results):
    """Markdown: per point, process and in-process against Triton (req/s and p50 ratios), load average."""
    runs = {(r["series"], r["client"], r["payload"], r["concurrency"]): r for r in results["runs"]}
    lines = ["| payload | protocol | c | process req/s, p50 µs | in-process req/s, p50 µs | Triton req/s, p50 µs "
             "| process/Triton req/s | process/Triton p50 | server CPU ms/request: process, in-process, Triton "
             "| load avg |",
             "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |"]
    cpu = lambda r: r["server_cpu_percent"] / 100 / r["throughput"] * 1000  # noise hurts it less than latency
    for payload, c in IsolationBench.POINTS:
        for protocol in PROTOCOLS:
            key = lambda series: runs.get((series, CLIENTS[protocol], payload, c))
            p, i, t = key("process"), key("inprocess"), key("triton")
            if not (p and i and t) or any("error" in r for r in (p, i, t)):
                lines.append("| %s | %s | %d | failed: %s |" % (payload, protocol, c, " ".join(
                    str(r.get("error")) for r in (p, i, t) if r)))
                continue
            lines.append("| %s | %s | %d | %.0f, %d | %.0f, %d | %.0f, %d | %.2f | %.2f | %.2f, %.2f, %.2f | %.1f |" % (
                payload, protocol, c, p["throughput"], p["p50_us"], i["throughput"], i["p50_us"], t["throughput"],
                t["p50_us"], p["throughput"] / t["throughput"], p["p50_us"] / t["p50_us"], cpu(p), cpu(i), cpu(t),
                p["load_average_1m"]))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys
    if "--isolation-table" in sys.argv[1:]:  # the table again, from results/isolation.json
        print(isolation_table(json.loads((RESULTS / "isolation.json").read_text())))
    else:
        IsolationBench().run() if "--isolation" in sys.argv[1:] else Bench().run()
