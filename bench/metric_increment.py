"""The cost of one custom-metric increment, measured inside a model (bench/models/metric_increment).

The model calls self.counter.increment(1.0) N times between two time.perf_counter_ns() readings and
returns ns per call (the Python loop included) and, for scale, ns per iteration of the same loop calling
a no-op method. Standalone, this starts jepserve on that model, calls it a few times with N = 1,000,000
and prints the median; bench.py also runs measure() against Triton (with a smaller N: there every
increment is an IPC round trip to the server process).

Usage: bench/.venv/bin/python bench/metric_increment.py   (bench/run.sh runs it as part of the whole set)
"""

import json
import statistics
import urllib.request

GOAL_NS = 1000


def measure(url, n, calls):
    """Calls metric_increment `calls` times; returns the medians of (ns per increment, ns per empty loop)."""
    per_call, per_loop = [], []
    for _ in range(calls):
        body = json.dumps({"inputs": [{"name": "N", "shape": [1], "datatype": "INT64", "data": [n]}]}).encode()
        request = urllib.request.Request("http://%s/v2/models/metric_increment/infer" % url, data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            outputs = {o["name"]: o["data"][0] for o in json.load(response)["outputs"]}
        per_call.append(outputs["NS_PER_CALL"])
        per_loop.append(outputs["LOOP_NS_PER_ITER"])
    return {"n": n, "calls": calls, "ns_per_call": round(statistics.median(per_call), 1),
            "ns_per_call_all": [round(v, 1) for v in per_call],
            "loop_ns_per_iter": round(statistics.median(per_loop), 1)}


def describe(result):
    verdict = "meets" if result["ns_per_call"] <= GOAL_NS else "misses"
    return ("%.0f ns per increment (median of %d calls of N=%d; all: %s; empty loop %.0f ns/iter); %s the goal of "
            "<= %d ns" % (result["ns_per_call"], result["calls"], result["n"], result["ns_per_call_all"],
                          result["loop_ns_per_iter"], verdict, GOAL_NS))


def main():
    import servers
    with servers.jepserve(servers.model_repository(), name="jepserve-metric") as server:
        result = measure(server.url, 1_000_000, 5)
    print("metric_increment on jepserve: " + describe(result))


if __name__ == "__main__":
    main()
