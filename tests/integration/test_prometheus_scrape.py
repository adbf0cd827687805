"""A real Prometheus (Debian's `prometheus` package; bin/setup-test-tools installs it) scrapes the real server
and answers PromQL queries for a custom metric (pb_utils.MetricFamily) and a built-in nv_* metric; and
`promtool check metrics` finds no parse error in the /metrics text, with every optional family switched on."""

import shutil
import subprocess
import time

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient

from jepserve_process import EXAMPLES, JepServe, free_port, make_repository

PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
needs_prometheus = pytest.mark.skipif(
    PROMETHEUS is None or PROMTOOL is None,
    reason="Debian's prometheus package is not installed (bin/setup-test-tools installs it with apt-get as root; "
           "without root or apt it cannot)")

MODEL = "custom_metrics"
METRICS_CONFIG = ["--metrics-config", "summary_latencies=true", "--metrics-config", "histogram_latencies=true",
                  "--metrics-config", "jvm_metrics=true"]


def infer(server, count):
    with httpclient.InferenceServerClient(server.url) as client:
        for _ in range(count):
            a = np.random.randn(4).astype(np.float32)
            tensors = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
            tensors[0].set_data_from_numpy(a)
            tensors[1].set_data_from_numpy(a)
            client.infer(MODEL, tensors)


@pytest.fixture
def server():
    with JepServe([make_repository(EXAMPLES / MODEL)], METRICS_CONFIG) as running:
        yield running


@needs_prometheus
def test_promtool_finds_no_parse_error(server, tmp_path):
    infer(server, 3)
    text = requests.get(server.metrics_url, timeout=10).text
    for family in ["nv_inference_request_summary_us", "nv_pinned_memory_pool_total_bytes",
                   "nv_inference_first_response_histogram_ms", "requests_process_latency_ns", "jvm_memory_bytes_used"]:
        assert "# TYPE %s " % family in text
    checked = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    report = (checked.stdout + checked.stderr).decode()
    # promtool exits 1 on a parse error and 3 on lint advice only (Triton's counter names have no _total suffix,
    # its summaries say "summary", and so on: names kept as Triton's on purpose).
    assert checked.returncode in (0, 3), report
    assert "error while linting" not in report and "parsing error" not in report, report
    # The check is real: a broken label fails it.
    broken = text.replace("nv_inference_count{", "nv_inference_count{{", 1)
    assert subprocess.run([PROMTOOL, "check", "metrics"], input=broken.encode(), capture_output=True,
                          timeout=60).returncode == 1


@needs_prometheus
def test_prometheus_scrapes_and_answers_queries(server, tmp_path):
    port = free_port()
    (tmp_path / "prometheus.yml").write_text("\n".join([
        "global:",
        "  scrape_interval: 1s",
        "scrape_configs:",
        "  - job_name: jepserve",
        "    static_configs:",
        "      - targets: ['127.0.0.1:%d']" % server.metrics_port,
        ""]))
    process = subprocess.Popen([PROMETHEUS, "--config.file=%s" % (tmp_path / "prometheus.yml"),
                                "--storage.tsdb.path=%s" % (tmp_path / "data"),
                                "--web.listen-address=127.0.0.1:%d" % port],
                               stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"))
    api = "http://127.0.0.1:%d/api/v1" % port

    def query(promql):
        try:
            reply = requests.get(api + "/query", params={"query": promql}, timeout=5).json()
        except (requests.ConnectionError, requests.Timeout, ValueError):
            return []
        return reply.get("data", {}).get("result", []) if reply.get("status") == "success" else []

    def wait_for(promql, condition, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError("prometheus exited: " + (tmp_path / "prometheus.log").read_text()[-2000:])
            result = query(promql)
            if result and condition(result):
                return result
            time.sleep(0.5)
        raise AssertionError("no answer to %s within %ss; last %r" % (promql, timeout, query(promql)))

    try:
        infer(server, 5)
        up = wait_for('up{job="jepserve"}', lambda r: r[0]["value"][1] == "1")
        assert up[0]["metric"]["instance"] == "127.0.0.1:%d" % server.metrics_port
        success = wait_for('nv_inference_request_success{model="%s",version="1"}' % MODEL,
                           lambda r: float(r[0]["value"][1]) >= 5)
        assert success[0]["metric"]["job"] == "jepserve"
        custom = wait_for('requests_process_latency_ns{model="%s"}' % MODEL, lambda r: float(r[0]["value"][1]) > 0)
        assert custom[0]["metric"]["version"] == "1"
        quantile = wait_for('nv_inference_request_summary_us{model="%s",quantile="0.5"}' % MODEL,
                            lambda r: float(r[0]["value"][1]) > 0)
        assert quantile[0]["metric"]["version"] == "1"
        wait_for("nv_pinned_memory_pool_total_bytes", lambda r: r[0]["value"][1] == "268435456")
        # The scrape itself: Prometheus saw no sample it could not take.
        targets = requests.get(api + "/targets", timeout=5).json()["data"]["activeTargets"]
        assert [target["health"] for target in targets] == ["up"], targets
        assert all(target["lastError"] == "" for target in targets), targets
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
