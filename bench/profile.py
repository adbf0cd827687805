"""Where jepserve's time goes under one perf_analyzer load: CPU per thread group and JFR's hottest frames.

Starts jepserve (as bench.py does), warms the model up over the chosen protocol, then runs perf_analyzer at one
concurrency twice: (1) without a profiler, recording each server thread's CPU time from /proc/<pid>/task/*/stat,
summed by thread name with digits as '#' (e.g. "jepserve-grpc-#"; Linux keeps 15 characters of a name);
(2) with a JFR recording (`jcmd <pid> JFR.start`, the JDK's profile settings with Java method sampling every
1 ms instead of 10) whose jdk.ExecutionSample events are summed by thread, by top frame, by innermost
dev.jepserve frame and inclusively by method. JFR samples threads running Java code only: time inside CPython
(the model's execute) or blocked in the kernel shows as thread CPU, not as frames.

It uses bench.py's ports and rewrites results/repo: never run it while bench.py (or another profile.py) runs.

Usage: bench/.venv/bin/python bench/profile.py [--protocol http|grpc] [--model custom_metrics] [-c 1]
                                               [--seconds 20] [--stream] [--warmup-requests N] [--requests N]
  e.g. 4 MB: --model add_sub_4mb --warmup-requests 40 --requests 150 -c 4
Writes results/raw/profile-<protocol>-<model>-c<c>.{jfr,txt}; prints the text.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import time

import load
import servers
from servers import RAW


def thread_cpu(pid):
    """{thread name with digits as '#': CPU seconds} for every thread of pid."""
    totals = collections.Counter()
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            stat = open("/proc/%d/task/%s/stat" % (pid, tid)).read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        totals[re.sub(r"\d+", "#", name)] += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return totals


def jfr_samples(path):
    """(top frames, first dev.jepserve frames, per-thread counts, total) from jdk.ExecutionSample events."""
    printed = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", str(path)],
                             capture_output=True, text=True, check=True).stdout
    events = json.loads(printed)["recording"]["events"]
    top, ours, inclusive, threads = (collections.Counter() for _ in range(4))
    for event in events:
        values = event["values"]
        frames = [(f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"])
                  for f in (values.get("stackTrace") or {}).get("frames", [])]
        thread = (values.get("sampledThread") or {}).get("javaName") or "?"
        threads[re.sub(r"\d+", "#", thread)] += 1
        if frames:
            top[frames[0]] += 1
            ours[next((f for f in frames if f.startswith("dev.jepserve")), "(no dev.jepserve frame)")] += 1
            inclusive.update(set(re.sub(r"\$\$Lambda.*", "$$Lambda", f) for f in frames))
    return top, ours, inclusive, threads, len(events)


def jfc_1ms():
    """The JDK's profile.jfc with Java method sampling every 1 ms, written under results/raw/."""
    home = subprocess.run(["java", "-XshowSettings:properties", "-version"], capture_output=True,
                          text=True).stderr
    java_home = re.search(r"java\.home = (.+)", home).group(1).strip()
    text = open(os.path.join(java_home, "lib", "jfr", "profile.jfc")).read()
    text = re.sub(r'(<event name="jdk.ExecutionSample">\s*<setting[^>]*>true</setting>\s*'
                  r'<setting name="period"[^>]*>)10 ms', r"\g<1>1 ms", text)
    path = RAW / "profile-1ms.jfc"
    path.write_text(text)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--protocol", default="grpc", choices=("http", "grpc"))
    parser.add_argument("--model", default="custom_metrics")
    parser.add_argument("-c", "--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--stream", action="store_true", help="gRPC streaming (decoupled models)")
    parser.add_argument("--warmup-requests", type=int, default=10000, help="unrecorded requests at c=4 first")
    parser.add_argument("--requests", type=int, help="a fixed request count instead of --seconds (4 MB: 100)")
    args = parser.parse_args()
    RAW.mkdir(parents=True, exist_ok=True)
    name = "profile-%s%s-%s-c%d" % (args.protocol, "-stream" if args.stream else "", args.model, args.concurrency)
    length = 1048576 if args.model == "add_sub_4mb" or args.requests else 4
    shapes = ("INPUT0:%d" % length, "INPUT1:%d" % length) if args.model == "jepserve_floor" else ()
    with servers.jepserve(servers.model_repository(), name="%s-jepserve" % name) as server:
        url = server.address(args.protocol)
        load.perf_analyzer(url, args.model, 4, name + "-warmup", shapes=shapes, request_count=args.warmup_requests,
                           protocol=args.protocol, streaming=args.stream)
        def measure(tag):
            return load.perf_analyzer(url, args.model, args.concurrency, tag, shapes=shapes,
                                      request_count=args.requests, window_ms=args.seconds * 1000 // 3,
                                      warmup=8 if args.requests else 500, protocol=args.protocol,
                                      streaming=args.stream)
        cpu0, t0 = thread_cpu(server.proc.pid), time.monotonic()
        result = measure(name)
        cpu1, elapsed = thread_cpu(server.proc.pid), time.monotonic() - t0
        jfr = RAW / (name + ".jfr")
        subprocess.run(["jcmd", str(server.proc.pid), "JFR.start", "name=bench", "settings=%s" % jfc_1ms(),
                        "filename=%s" % jfr], check=True, capture_output=True)
        profiled = measure(name + "-jfr")
        subprocess.run(["jcmd", str(server.proc.pid), "JFR.stop", "name=bench"], check=True, capture_output=True)
    top, ours, inclusive, threads, total = jfr_samples(jfr)
    requests = result.get("throughput", 0) * elapsed
    out = ["# %s" % name, "", "perf_analyzer: %s" % result, "perf_analyzer under JFR: %s" % profiled, "",
           "## Server CPU by thread group over %.1f s (%% of one core; µs per request at the measured rate)"
           % elapsed, ""]
    for group, seconds in sorted(((g, cpu1[g] - cpu0.get(g, 0)) for g in cpu1), key=lambda x: -x[1]):
        if seconds > 0.05:
            out.append("%-32s %6.1f %%  %7.1f µs/req" % (group, 100 * seconds / elapsed,
                                                         1e6 * seconds / requests if requests else 0))
    out += ["", "## JFR execution samples: %d" % total, "", "### by thread"]
    out += ["%6d  %5.1f %%  %s" % (n, 100 * n / total, t) for t, n in threads.most_common(12)]
    out += ["", "### by top frame"]
    out += ["%6d  %5.1f %%  %s" % (n, 100 * n / total, f) for f, n in top.most_common(25)]
    out += ["", "### by innermost dev.jepserve frame"]
    out += ["%6d  %5.1f %%  %s" % (n, 100 * n / total, f) for f, n in ours.most_common(25)]
    out += ["", "### inclusive (samples with the method anywhere on the stack)"]
    out += ["%6d  %5.1f %%  %s" % (n, 100 * n / total, f) for f, n in inclusive.most_common(60)]
    text = "\n".join(out) + "\n"
    (RAW / (name + ".txt")).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
