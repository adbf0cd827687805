"""Every example's client against the server on examples/, on free ports (the clients' --url options)."""

import subprocess

import pytest

from jepserve_process import CLIENT_PYTHON, EXAMPLES, JepServe


@pytest.fixture(scope="module")
def server():
    with JepServe([EXAMPLES]) as running:
        yield running


def run_client(name, *arguments):
    return subprocess.run([CLIENT_PYTHON, str(EXAMPLES / name / "client.py"), *arguments],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("example", ["add_sub", "custom_metrics", "text_stats"])
def test_http_example_clients_pass(server, example):
    arguments = ["--url", server.url]
    if example != "add_sub":
        arguments += ["--metrics-url", server.metrics_url]
    completed = run_client(example, *arguments)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("PASS: " + example)


@pytest.mark.parametrize("example", ["bls_sync", "bls_async", "bls_decoupled"])
def test_bls_example_clients_pass(server, example):
    completed = run_client(example, "--url", server.url)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("PASS: " + example)


def test_ensemble_example_client_passes(server):
    completed = run_client("ensemble_arith", "--url", server.url, "--grpc-url", server.grpc_url)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("PASS: ensemble_arith")


@pytest.mark.parametrize("example", ["countdown", "echo_stream"])
def test_decoupled_example_clients_pass(server, example):
    completed = run_client(example, "--url", server.grpc_url)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("PASS: " + example)
