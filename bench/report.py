"""Turns results/results.json into results/summary.md: raw figures, ratios, memory, CPU, failures.

Ratios are ours/theirs: throughput above 1 and latency below 1 are in jepserve's favour.
Usage: bench/.venv/bin/python bench/report.py   (rewrites summary.md from results.json)
"""

import json

CONCURRENCY = (1, 4, 16)
PAYLOADS = ("16 B", "4 MB")
PROTOCOLS = (("perf_analyzer", "HTTP with binary tensors"), ("perf_analyzer-grpc", "gRPC"))
STREAM = "perf_analyzer-grpc-stream"
GOAL = 2.0   # the project's goal: gRPC throughput at least 2x Triton's on the 16 B model at c=1 and c=16


def summary(results):
    runs = {(r["series"], r["client"], r["payload"], r["concurrency"]): r for r in results["runs"]}
    m = results["machine"]
    out = ["# Benchmark results",
           "",
           "Run %s to %s on %s CPUs (%s), %s GiB, kernel %s; %s; Python %s; jepserve at %s. One run: compare"
           " ratios within it."
           % (results["started"], results.get("finished", "?"), m["cpus"], m["cpu"], m["memory_gib"], m["kernel"],
              m["java"], m["python"], results.get("jepserve_commit", "?")),
           "",
           "16 B = `custom_metrics` (two FP32[4] inputs and outputs); 4 MB = `add_sub_4mb` (two FP32[1048576]"
           " inputs and outputs); floor = `jepserve_floor` in the same jepserve process with the same shapes;"
           " stream = `add_sub_stream` (decoupled, FP32[4], one response then the final flag) over gRPC"
           " streaming. Latencies in µs; ratios are jepserve/other (throughput > 1 and latency < 1 favour"
           " jepserve).",
           ""]

    for client, title in PROTOCOLS:
        out += ["## perf_analyzer, %s" % title, "",
                "| payload | c | jepserve req/s | p50 | p99 | floor req/s | p50 | p99 | Triton req/s | p50 | p99 |",
                "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"]
        for payload in PAYLOADS:
            for c in CONCURRENCY:
                cells = []
                for series in ("jepserve", "floor", "triton"):
                    cells += _figures(runs.get((series, client, payload, c)))
                out.append("| %s | %d | %s |" % (payload, c, " | ".join(cells)))
        out.append("")

    out += ["## perf_analyzer, gRPC streaming, decoupled model (`--async --streaming`)", "",
            "A request counts as done at its final response; each request gets one response with the outputs"
            " and one with only the final flag.", "",
            "| payload | c | jepserve req/s | p50 | p99 | Triton req/s | p50 | p99 | req/s ratio | p50 ratio"
            " | p99 ratio |",
            "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"]
    for c in CONCURRENCY:
        ours, theirs = runs.get(("jepserve", STREAM, "16 B", c)), runs.get(("triton", STREAM, "16 B", c))
        out.append("| 16 B stream | %d | %s |" % (c, " | ".join(_figures(ours) + _figures(theirs)
                                                                + _ratios(ours, theirs))))

    for client, title in PROTOCOLS:
        out += ["", "### Ratios, %s" % title, "",
                "| payload | c | req/s vs Triton | p50 vs Triton | p99 vs Triton | req/s vs floor | p50 vs floor"
                " | p99 vs floor |",
                "| --- | --: | --: | --: | --: | --: | --: | --: |"]
        for payload in PAYLOADS:
            for c in CONCURRENCY:
                ours = runs.get(("jepserve", client, payload, c))
                cells = _ratios(ours, runs.get(("triton", client, payload, c)))
                cells += _ratios(ours, runs.get(("floor", client, payload, c)))
                out.append("| %s | %d | %s |" % (payload, c, " | ".join(cells)))

    out += ["", "### gRPC against HTTP, each server against itself (gRPC / HTTP)", "",
            "| payload | c | jepserve req/s | p50 | p99 | floor req/s | p50 | p99 | Triton req/s | p50 | p99 |",
            "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"]
    for payload in PAYLOADS:
        for c in CONCURRENCY:
            cells = []
            for series in ("jepserve", "floor", "triton"):
                cells += _ratios(runs.get((series, "perf_analyzer-grpc", payload, c)),
                                 runs.get((series, "perf_analyzer", payload, c)))
            out.append("| %s | %d | %s |" % (payload, c, " | ".join(cells)))

    out += ["", "### Goal: gRPC throughput at least %gx Triton's on the 16 B model at c=1 and c=16" % GOAL, ""]
    for c in (1, 16):
        ours = runs.get(("jepserve", "perf_analyzer-grpc", "16 B", c))
        theirs = runs.get(("triton", "perf_analyzer-grpc", "16 B", c))
        if _ok(ours) and _ok(theirs):
            ratio = ours["throughput"] / theirs["throughput"]
            out.append("- c=%d: %.2fx (%.1f against %.1f req/s): %s" % (
                c, ratio, ours["throughput"], theirs["throughput"], "met" if ratio >= GOAL else "NOT met"))
        else:
            out.append("- c=%d: n/a (a run failed)" % c)

    previous = results.get("previous")
    if previous:
        old = {(r["series"], r["client"], r["payload"], r["concurrency"]): r for r in previous["runs"]}
        out += ["", "### HTTP, this run beside the previous run (%s%s)"
                % (previous["started"], ", jepserve at %s" % previous["jepserve_commit"]
                   if previous.get("jepserve_commit") else ""), "",
                "Ratios jepserve/Triton, each within its own run; the last two columns compare raw jepserve"
                " throughput across the runs (machine noise included).", "",
                "| payload | c | req/s vs Triton, now | before | p50 vs Triton, now | before | p99 vs Triton, now"
                " | before | req/s vs floor, now | before | jepserve req/s, now / before | Triton req/s, now / before |",
                "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"]
        for payload in PAYLOADS:
            for c in CONCURRENCY:
                key = ("perf_analyzer", payload, c)
                now_t = _ratios(runs.get(("jepserve",) + key), runs.get(("triton",) + key))
                old_t = _ratios(old.get(("jepserve",) + key), old.get(("triton",) + key))
                now_f = _ratios(runs.get(("jepserve",) + key), runs.get(("floor",) + key))
                old_f = _ratios(old.get(("jepserve",) + key), old.get(("floor",) + key))
                cells = [now_t[0], old_t[0], now_t[1], old_t[1], now_t[2], old_t[2], now_f[0], old_f[0],
                         _ratios(runs.get(("jepserve",) + key), old.get(("jepserve",) + key))[0],
                         _ratios(runs.get(("triton",) + key), old.get(("triton",) + key))[0]]
                out.append("| %s | %d | %s |" % (payload, c, " | ".join(cells)))

    out += ["", "## wrk, HTTP with JSON tensors (jepserve and MLServer)", "",
            "| payload | c | jepserve req/s | p50 | p99 | MLServer req/s | p50 | p99 | req/s ratio | p50 ratio"
            " | p99 ratio |",
            "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"]
    for payload in PAYLOADS:
        for c in CONCURRENCY:
            ours = runs.get(("jepserve", "wrk-json", payload, c))
            theirs = runs.get(("mlserver", "wrk-json", payload, c))
            cells = _figures(ours) + _figures(theirs) + _ratios(ours, theirs)
            out.append("| %s | %d | %s |" % (payload, c, " | ".join(cells)))

    out += ["", "## Memory (peak RSS of the server's whole process tree during the runs, MiB)", "",
            "| server | idle | HTTP 16 B | HTTP 4 MB | gRPC 16 B | gRPC 4 MB | stream 16 B | JSON 16 B | JSON 4 MB |",
            "| --- | --: | --: | --: | --: | --: | --: | --: | --: |"]
    for name, series in (("jepserve", ("jepserve", "floor")), ("triton", ("triton",)), ("mlserver", ("mlserver",))):
        idle = results["idle_rss_mib"].get(name)
        cells = ["%.0f" % idle if idle is not None else "n/a"]
        for client, payload in (("perf_analyzer", "16 B"), ("perf_analyzer", "4 MB"), ("perf_analyzer-grpc", "16 B"),
                                ("perf_analyzer-grpc", "4 MB"), (STREAM, "16 B"), ("wrk-json", "16 B"),
                                ("wrk-json", "4 MB")):
            values = [r["rss_peak_mib"] for k, r in runs.items() if k[0] in series and k[1:3] == (client, payload)]
            cells.append("%.0f" % max(values) if values else "n/a")
        out.append("| %s | %s |" % (name, " | ".join(cells)))

    out += ["", "## CPU during each run (% of one core; 200 % = both cores)", "",
            "others = the machine's CPU time less the server's and the client's: other engineers' work on the"
            " shared cores (and the bench's own sampler), the noise behind the run.", "",
            "| series | client | payload | c | server CPU % | server CPU µs per request | client CPU % | others %"
            " | load avg |",
            "| --- | --- | --- | --: | --: | --: | --: | --: | --: |"]
    for (series, client, payload, c), r in runs.items():
        per_request = ("%.0f" % (r["server_cpu_percent"] * 1e4 / r["throughput"])) if "throughput" in r else "n/a"
        others = "n/a"
        if "machine_cpu_percent" in r:
            others = "%.0f" % max(0.0, r["machine_cpu_percent"] - r["server_cpu_percent"]
                                  - r.get("client_cpu_percent", 0))
        out.append("| %s | %s | %s | %d | %s | %s | %s | %s | %s |" % (
            series, client, payload, c, r["server_cpu_percent"], per_request, r.get("client_cpu_percent", "n/a"),
            others, r.get("load_average_1m", "n/a")))

    out += ["", "## Custom-metric increment cost (inside `execute`, `metric.increment(1.0)`)", "",
            "| server | N per call | ns per increment (median of calls) | every call | empty loop, ns/iter |",
            "| --- | --: | --: | --- | --: |"]
    for server, r in results["metric_increment"].items():
        out.append("| %s | %d | %.0f | %s | %.0f |" % (server, r["n"], r["ns_per_call"],
                                                      ", ".join("%.0f" % v for v in r["ns_per_call_all"]),
                                                      r["loop_ns_per_iter"]))

    errors = list(results["failures"].items())
    errors += [("%s %s %s c=%d" % k, r["error"]) for k, r in runs.items() if "error" in r]
    if errors:
        out += ["", "## Failures (and perf_analyzer probes)", ""]
        out += ["- **%s**: `%s`" % (title, text.replace("`", "'")) for title, text in errors]
    return "\n".join(out) + "\n"


def _figures(run):
    if not run or "error" in run:
        return ["n/a"] * 3
    return ["%.1f" % run["throughput"], "%d" % run["p50_us"], "%d" % run["p99_us"]]


def _ok(run):
    return bool(run) and "error" not in run


def _ratios(ours, theirs):
    if not _ok(ours) or not _ok(theirs):
        return ["n/a"] * 3
    return ["%.2f" % (ours["throughput"] / theirs["throughput"]), "%.2f" % (ours["p50_us"] / theirs["p50_us"]),
            "%.2f" % (ours["p99_us"] / theirs["p99_us"])]


if __name__ == "__main__":
    from servers import RESULTS
    data = json.loads((RESULTS / "results.json").read_text())
    (RESULTS / "summary.md").write_text(summary(data))
    print((RESULTS / "summary.md").read_text())
