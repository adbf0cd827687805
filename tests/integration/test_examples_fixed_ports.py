"""The seed's flow, as a user runs it: the server on examples/ at tritonserver's default ports, and the
examples' clients run unmodified (they talk to localhost:8000 and localhost:8002). Runs alone."""

import subprocess

import pytest

from jepserve_process import EXAMPLES, VENV, JepServe

pytestmark = pytest.mark.fixed_ports


@pytest.fixture(scope="module")
def server():
    with JepServe([EXAMPLES], http_port=8000, metrics_port=8002) as running:
        yield running


def run_client(name):
    return subprocess.run([str(VENV / "bin" / "python"), str(EXAMPLES / name / "client.py")],
                          capture_output=True, text=True, timeout=120)


def test_custom_metrics_client_passes_and_the_model_logs_its_latency(server):
    completed = run_client("custom_metrics")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("PASS: custom_metrics")
    for pattern in ("# HELP requests_process_latency_ns Cumulative time spent processing requests",
                    "# TYPE requests_process_latency_ns counter",
                    'requests_process_latency_ns{model="custom_metrics",version="1"}'):
        assert "found pattern '%s' in metrics" % pattern in completed.stdout
    assert server.wait_for_output("Cumulative requests processing latency: ", timeout=10), server.output


@pytest.mark.parametrize("example", ["add_sub", "text_stats"])
def test_example_clients_pass(server, example):
    completed = run_client(example)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "PASS: " + example in completed.stdout
