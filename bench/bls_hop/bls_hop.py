"""One BLS hop: the latency a model calling add_sub through BLS adds over calling add_sub directly, at
concurrency 1, on jepserve (in process and with stub processes) and on Triton, same repository, same client.

The repository holds examples/add_sub and examples/bls_sync (a model whose execute() calls add_sub with
InferenceRequest.exec() and returns its outputs). The client is tritonclient.grpc, synchronous, one request
at a time, FP32[4] inputs: per server, it alternates blocks of add_sub and bls_sync requests so both see the
same machine load, and the hop is p50(bls_sync) - p50(add_sub).

Usage (after bench/setup.sh; Triton is skipped when its wheel is missing):
  bench/.venv/bin/python bench/bls_hop/bls_hop.py [--requests 3000] [--warmup 15000] [--jepserve-port 18000]
The warm-up is long because the server's JIT compiler keeps compiling for about 25 s of this load (measured:
C2 CPU per 5 s window 1.9, 3.7, 1.9, 1.1, 0.3, then 0 s); measured earlier, its CPU competes with the hop.
Writes bench/bls_hop/results.md.
"""

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import tritonclient.grpc as grpcclient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import servers  # noqa: E402


def repository():
    repo = servers.RESULTS / "bls_hop_repo"
    shutil.rmtree(repo, ignore_errors=True)
    for name in ("add_sub", "bls_sync"):
        shutil.copytree(servers.ROOT / "examples" / name, repo / name,
                        ignore=shutil.ignore_patterns("__pycache__", "client.py"))
    return repo


def inputs():
    tensors = [grpcclient.InferInput("INPUT0", [4], "FP32"), grpcclient.InferInput("INPUT1", [4], "FP32")]
    tensors[0].set_data_from_numpy(np.arange(4, dtype=np.float32))
    tensors[1].set_data_from_numpy(np.ones(4, dtype=np.float32))
    return tensors


def measure(url, requests, warmup, block=100):
    """Latencies in microseconds for add_sub and bls_sync, taken in alternating blocks."""
    tensors = inputs()
    times = {"add_sub": [], "bls_sync": []}
    with grpcclient.InferenceServerClient(url) as client:
        for model in times:
            for _ in range(warmup):
                client.infer(model, tensors)
        while len(times["bls_sync"]) < requests:
            for model, samples in times.items():
                for _ in range(block):
                    started = time.perf_counter_ns()
                    result = client.infer(model, tensors)
                    samples.append((time.perf_counter_ns() - started) / 1000)
                    assert result.as_numpy("OUTPUT0")[1] == 2.0
    return times


def summary(samples):
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p99": ordered[int(len(ordered) * 0.99) - 1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=15000)
    parser.add_argument("--jepserve-port", type=int, default=servers.JEPSERVE_PORT,
                        help="HTTP port (gRPC: +1, metrics: +2); another benchmark may hold the default")
    parser.add_argument("--triton-port", type=int, default=servers.TRITON_PORT, help="likewise for Triton")
    args = parser.parse_args()
    servers.JEPSERVE_PORT, servers.TRITON_PORT = args.jepserve_port, args.triton_port
    servers.RAW.mkdir(parents=True, exist_ok=True)
    repo = repository()

    jepserve_base = servers.jepserve(repo)
    # With one Python thread the caller's worker runs add_sub itself while it waits (nested on its own
    # interpreter); with two, the other worker may take it: both are measured.
    # Process isolation is the server's default: the in-process rows ask for in-process explicitly.
    inprocess = ["--python-isolation", "inprocess"]
    candidates = [("jepserve, in process, 1 Python thread", jepserve_base.argv, inprocess + ["--python-threads", "1"]),
                  ("jepserve, in process, 2 Python threads", jepserve_base.argv, inprocess + ["--python-threads", "2"]),
                  ("jepserve, stub processes", jepserve_base.argv, ["--python-isolation", "process"])]
    rows = []
    for label, argv, extra in candidates:
        server = servers.Server("jepserve-bls-hop", argv + extra, servers.JEPSERVE_PORT,
                                grpc_port=servers.JEPSERVE_PORT + 1)
        with server:
            rows.append((label, measure(server.grpc_url, args.requests, args.warmup)))
    try:
        triton = servers.triton(repo)
    except (OSError, servers.ServerFailed) as error:
        print("Triton skipped: %s" % error)
        triton = None
    if triton is not None:
        with triton:
            rows.append(("Triton 2.51 (nvidia-pytriton)", measure(triton.grpc_url, args.requests, args.warmup)))

    lines = ["| server | add_sub p50 | bls_sync p50 | hop (p50 difference) | add_sub p99 | bls_sync p99 |",
             "| --- | --- | --- | --- | --- | --- |"]
    hops = {}
    for label, times in rows:
        direct, hop = summary(times["add_sub"]), summary(times["bls_sync"])
        hops[label] = hop["p50"] - direct["p50"]
        lines.append("| %s | %.0f µs | %.0f µs | **%.0f µs** | %.0f µs | %.0f µs |" % (
            label, direct["p50"], hop["p50"], hops[label], direct["p99"], hop["p99"]))
    load = Path("/proc/loadavg").read_text().split()[0]
    lines.append("")
    lines.append("gRPC, concurrency 1, %d requests per model after %d warm-up, load average %s, %s." % (
        args.requests, args.warmup, load, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    triton_label = "Triton 2.51 (nvidia-pytriton)"
    if triton_label in hops:
        for label in hops:
            if label != triton_label:
                lines.append("%s: the hop is %.2f× Triton's." % (label, hops[label] / hops[triton_label]))
    text = "\n".join(lines) + "\n"
    (HERE / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
