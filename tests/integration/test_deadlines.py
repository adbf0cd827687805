"""Deadlines are kept: a request's timeout and --exit-timeout-secs end in an answer even while execute() runs
on and never checks is_cancelled(); shutdown is bounded; a second SIGTERM exits at once."""

import os
import re
import signal
import threading
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from jepserve_process import TEST_MODELS, JepServe, make_repository

ISOLATIONS = ["process", "inprocess"]


def _http_inputs(value):
    inp = httpclient.InferInput("IN", [1], "INT32")
    inp.set_data_from_numpy(np.array([value], dtype=np.int32))
    return [inp]


def _grpc_inputs(value):
    inp = grpcclient.InferInput("IN", [1], "INT32")
    inp.set_data_from_numpy(np.array([value], dtype=np.int32))
    return [inp]


def _serve(isolation, *extra):
    repository = make_repository(TEST_MODELS / "endless_loop")
    return JepServe([repository], extra_args=["--python-isolation", isolation, *extra]).wait_live()


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_looping_request_is_answered_at_its_timeout_http_and_grpc(isolation):
    server = _serve(isolation)
    try:
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            started = time.monotonic()
            with pytest.raises(Exception) as raised:
                client.infer("endless_loop", _http_inputs(1), timeout=1_000_000)  # 1 s, in microseconds
            waited = time.monotonic() - started
        assert "Request timeout expired" in str(raised.value)
        assert 0.9 <= waited < 10, waited
        # The instance still loops on the first request: a second one, queued behind it, times out as well.
        with grpcclient.InferenceServerClient(server.grpc_url) as client:
            started = time.monotonic()
            with pytest.raises(Exception) as raised:
                client.infer("endless_loop", _grpc_inputs(2), client_timeout=60, timeout=1_000_000)
            waited = time.monotonic() - started
        assert "Request timeout expired" in str(raised.value)
        assert 0.9 <= waited < 10, waited
        assert requests_live(server)
    finally:
        server.stop(timeout=60)


def requests_live(server):
    import requests
    return requests.get("http://%s/v2/health/live" % server.url, timeout=10).status_code == 200


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_sigterm_with_a_never_returning_execute_is_bounded_and_answers_every_client(isolation):
    exit_timeout = 3
    server = _serve(isolation, "--exit-timeout-secs", str(exit_timeout))
    outcomes = {}

    def http_call():
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            try:
                client.infer("endless_loop", _http_inputs(1))
                outcomes["http"] = "answered with success"
            except Exception as error:  # noqa: BLE001 - asserted below
                outcomes["http"] = str(error)

    def grpc_call():
        with grpcclient.InferenceServerClient(server.grpc_url) as client:
            try:
                client.infer("endless_loop", _grpc_inputs(2), client_timeout=60)
                outcomes["grpc"] = "answered with success"
            except Exception as error:  # noqa: BLE001 - asserted below
                outcomes["grpc"] = str(error)

    callers = [threading.Thread(target=http_call), threading.Thread(target=grpc_call)]
    for caller in callers:
        caller.start()
    assert server.wait_for_output("endless_loop: executing", timeout=60), server.output
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(exit_timeout + 5 + 30)  # generous for the assertion message below
    took = time.monotonic() - started
    for caller in callers:
        caller.join(30)
    server.stop()
    assert took < exit_timeout + 5, (took, server.output)
    # Every client got an answer (an error), none a dropped connection.
    for kind in ("http", "grpc"):
        assert "Exit timeout expired" in outcomes.get(kind, ""), (kind, outcomes, server.output)
    # tritonserver exits 1 when its exit timeout expires with work left.
    assert server.process.returncode in (0, 1), server.output
    # The process that ran execute() (a stub, or the server itself in-process) is gone too.
    for pid in {int(found) for found in re.findall(r"endless_loop: executing \d+ in pid (\d+)", server.output)}:
        assert _gone_within(pid, 5), pid


def _gone_within(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_second_sigterm_exits_at_once(isolation):
    server = _serve(isolation, "--exit-timeout-secs", "60")

    def http_call():
        with httpclient.InferenceServerClient(server.url, network_timeout=120) as client:
            try:
                client.infer("endless_loop", _http_inputs(1))
            except Exception:  # noqa: BLE001 - only the exit is asserted here
                pass

    caller = threading.Thread(target=http_call, daemon=True)
    caller.start()
    assert server.wait_for_output("endless_loop: executing", timeout=60), server.output
    server.process.send_signal(signal.SIGTERM)
    assert server.wait_for_output("Interrupt signal", timeout=30), server.output
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(30)
    took = time.monotonic() - started
    server.stop()
    assert took < 5, (took, server.output)
    assert server.process.returncode == 1, server.output
    assert "exiting at once" in server.output
