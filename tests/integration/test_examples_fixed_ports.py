"""The seed's flow, as a user runs it: the server on examples/ at tritonserver's default ports, and the
examples' clients run unmodified (they talk to localhost:8000, 8001 and 8002). Runs alone; skipped, with the
reason, when something else holds one of those ports (the same clients run on free ports in
test_examples.py, so nothing goes untested)."""

import socket
import subprocess

import pytest

from jepserve_process import CLIENT_PYTHON, EXAMPLES, JepServe

pytestmark = pytest.mark.fixed_ports

DEFAULT_PORTS = (8000, 8001, 8002)


def port_taken(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


@pytest.fixture(scope="module")
def server():
    taken = [port for port in DEFAULT_PORTS if port_taken(port)]
    if taken:
        pytest.skip("tritonserver's default ports %s are in use by another program" % taken)
    with JepServe([EXAMPLES], http_port=8000, grpc_port=8001, metrics_port=8002) as running:
        yield running


def run_client(name):
    return subprocess.run([CLIENT_PYTHON, str(EXAMPLES / name / "client.py")],
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


@pytest.mark.parametrize("example", ["add_sub", "text_stats", "countdown", "echo_stream", "bls_sync", "bls_async",
                                     "bls_decoupled", "ensemble_arith"])
def test_example_clients_pass(server, example):
    completed = run_client(example)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "PASS: " + example in completed.stdout
