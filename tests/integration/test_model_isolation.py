"""No model can stall others: each model instance has its own way into Python (a stub process, or in-process a
Python thread of its own), so a sleeping execute() delays no other model, also with --python-threads 1; a model
whose instances all make no progress for stub-timeout-seconds reports not ready (HTTP and gRPC, and the server
under strict readiness) until one finishes; a model calling itself on its only instance is answered at its
request's timeout and serves again afterwards."""

import threading
import time

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository

ISOLATIONS = ["inprocess", "process"]


def _int32(module, name, value):
    tensor = module.InferInput(name, [1], "INT32")
    tensor.set_data_from_numpy(np.array([value], dtype=np.int32))
    return [tensor]


def _add_sub(module):
    tensors = [module.InferInput("INPUT0", [4], "FP32"), module.InferInput("INPUT1", [4], "FP32")]
    for tensor in tensors:
        tensor.set_data_from_numpy(np.ones(4, dtype=np.float32))
    return tensors


def _serve(isolation, models, *extra):
    server = JepServe([make_repository(*models)], ["--python-isolation", isolation, *extra]).wait_live()
    names = [model.name for model in models]
    deadline = time.monotonic() + 180
    with httpclient.InferenceServerClient(server.url, network_timeout=30) as client:
        while not all(client.is_model_ready(name) for name in names):
            assert time.monotonic() < deadline, server.output
            assert server.process.poll() is None, server.output
            time.sleep(0.1)
    return server


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _readiness(server, model):
    """(HTTP model ready, gRPC model ready, HTTP server ready)."""
    with httpclient.InferenceServerClient(server.url, network_timeout=30) as http, \
            grpcclient.InferenceServerClient(server.grpc_url) as grpc:
        return http.is_model_ready(model), grpc.is_model_ready(model), http.is_server_ready()


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_sleeping_model_does_not_delay_another_model(isolation):
    server = _serve(isolation, [TEST_MODELS / "sleeper", EXAMPLES / "add_sub"], "--python-threads", "1")
    slept = {}

    def sleep_ten_seconds():
        with httpclient.InferenceServerClient(server.url, network_timeout=120) as client:
            started = time.monotonic()
            result = client.infer("sleeper", _int32(httpclient, "MS", 10_000))
            slept["value"] = int(result.as_numpy("SLEPT_MS")[0])
            slept["seconds"] = time.monotonic() - started

    try:
        sleeper = threading.Thread(target=sleep_ten_seconds)
        sleeper.start()
        assert server.wait_for_output("sleeper: sleeping 10000 ms", timeout=60), server.output
        took = []
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as http, \
                grpcclient.InferenceServerClient(server.grpc_url) as grpc:
            for _ in range(5):
                for client, module in ((http, httpclient), (grpc, grpcclient)):
                    started = time.monotonic()
                    result = client.infer("add_sub", _add_sub(module))
                    took.append(time.monotonic() - started)
                    assert result.as_numpy("OUTPUT0").tolist() == [2.0] * 4
        sleeper.join(60)
        assert slept.get("value") == 10_000, (slept, server.output)
        # Every add_sub answer came while the sleeper slept (a shared Python thread would hold them ~10 s).
        assert sum(took) < slept["seconds"] - 3, (took, slept)
        assert max(took) < 3, took
    finally:
        server.stop()


def _failure_and_wait(client, model, timeout_us):
    """Sends one request with a timeout that fails; returns its error text and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        client.infer(model, _int32(httpclient, "IN", 1), timeout=timeout_us)
    return str(raised.value), time.monotonic() - started


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_looping_model_is_not_ready_past_the_limit_and_its_request_answered_at_its_timeout(isolation):
    server = _serve(isolation, [TEST_MODELS / "endless_loop", EXAMPLES / "add_sub"],
                    "--backend-config", "python,stub-timeout-seconds=3")
    try:
        assert _readiness(server, "endless_loop") == (True, True, True)
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            error, waited = _failure_and_wait(client, "endless_loop", 1_000_000)  # 1 s
        assert "Request timeout expired" in error
        assert 0.9 <= waited < 10, waited
        # Its only instance loops: past the limit the model, and with strict readiness the server, are not
        # ready, on both protocols. (A stub process is then killed and restarted, and ready again.)
        assert _wait(lambda: _readiness(server, "endless_loop") == (False, False, False), 30), server.output
        # The other model still serves and reports ready.
        with httpclient.InferenceServerClient(server.url, network_timeout=30) as client:
            assert client.is_model_ready("add_sub")
            assert client.infer("add_sub", _add_sub(httpclient)).as_numpy("OUTPUT0").tolist() == [2.0] * 4
        if isolation == "process":
            assert _wait(lambda: _readiness(server, "endless_loop") == (True, True, True), 120), server.output
    finally:
        server.stop()


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_stuck_model_is_ready_again_when_its_execute_returns(isolation):
    # stub-timeout-seconds 2 and a 6 s sleep: not ready from ~2 s on; in process, ready again when the sleep
    # ends; a stub process is killed at the limit and ready again once restarted.
    server = _serve(isolation, [TEST_MODELS / "sleeper"], "--backend-config", "python,stub-timeout-seconds=2")
    outcome = {}

    def sleep():
        with httpclient.InferenceServerClient(server.url, network_timeout=120) as client:
            try:
                outcome["value"] = int(client.infer("sleeper", _int32(httpclient, "MS", 6000)).as_numpy("SLEPT_MS")[0])
            except Exception as error:  # noqa: BLE001 - asserted below
                outcome["error"] = str(error)

    try:
        caller = threading.Thread(target=sleep)
        caller.start()
        assert server.wait_for_output("sleeper: sleeping 6000 ms", timeout=60), server.output
        assert _wait(lambda: _readiness(server, "sleeper")[:2] == (False, False), 20), server.output
        caller.join(120)
        assert _wait(lambda: _readiness(server, "sleeper") == (True, True, True), 120), server.output
        if isolation == "inprocess":
            assert outcome == {"value": 6000}, outcome
        else:
            assert "error" in outcome, outcome  # the stub was killed as hung: its request fails
    finally:
        server.stop()


def test_a_model_calling_itself_on_its_only_instance_is_answered_at_its_timeout():
    server = _serve("inprocess", [TEST_MODELS / "self_caller"], "--python-threads", "1")
    try:
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            error, waited = _failure_and_wait(client, "self_caller", 2_000_000)  # 2 s
            assert "Request timeout expired" in error
            assert 1.9 <= waited < 10, waited
            # The waiting call was cancelled with its caller: the instance is free again and serves.
            assert server.wait_for_output("self_caller: the call to itself ended", timeout=30), server.output
            result = client.infer("self_caller", _int32(httpclient, "IN", 0))
            assert result.as_numpy("OUT").tolist() == [0]
        assert requests.get("http://%s/v2/health/ready" % server.url, timeout=10).status_code == 200
    finally:
        server.stop()
