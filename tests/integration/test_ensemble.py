"""Ensembles of Python models with the real tritonclient, HTTP and gRPC, in both isolation modes: several steps
with a fan-out and a join, a decoupled step streamed, errors of a step, statistics and nv_* series, a missing
step model and a broken data flow."""

import queue
import time

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository

MODES = ["inprocess", "process"]


@pytest.fixture(scope="module", params=MODES)
def server(request):
    repository = make_repository(EXAMPLES / "add_sub", EXAMPLES / "custom_metrics", EXAMPLES / "countdown",
                                 EXAMPLES / "ensemble_arith", TEST_MODELS / "int_square",
                                 TEST_MODELS / "execute_raises", TEST_MODELS / "ensemble_countdown_square",
                                 TEST_MODELS / "ensemble_raises", TEST_MODELS / "ensemble_missing_step",
                                 TEST_MODELS / "ensemble_broken")
    with JepServe([repository], ["--python-isolation", request.param, "--python-threads", "1",
                                 "--exit-on-error", "false"]) as running:
        yield running


def client_for(server, protocol):
    return protocol.InferenceServerClient(server.url if protocol is httpclient else server.grpc_url)


def arith_inputs(protocol, a, b):
    tensors = [protocol.InferInput("A", [4], "FP32"), protocol.InferInput("B", [4], "FP32")]
    tensors[0].set_data_from_numpy(a)
    tensors[1].set_data_from_numpy(b)
    return tensors


def x_input(protocol, x):
    tensor = protocol.InferInput("X", [1], "INT32")
    tensor.set_data_from_numpy(np.array([x], dtype=np.int32))
    return [tensor]


def success_count(client, model):
    return client.get_inference_statistics(model)["model_stats"][0]["inference_stats"]["success"]["count"]


@pytest.mark.parametrize("protocol", [httpclient, grpcclient])
def test_steps_fan_out_and_join(server, protocol):
    a = np.array([1, 2, 3, 4], dtype=np.float32)
    b = np.array([4, -1, 0.5, 2], dtype=np.float32)
    with client_for(server, protocol) as client:
        result = client.infer("ensemble_arith", arith_inputs(protocol, a, b))
    assert result.as_numpy("SUM").tolist() == (a + b).tolist()
    assert result.as_numpy("DIFF").tolist() == (a - b).tolist()
    assert result.as_numpy("RESULT").tolist() == (-2 * b).tolist()


def test_requested_output_subset(server):
    a = np.ones(4, dtype=np.float32)
    with httpclient.InferenceServerClient(server.url) as client:
        result = client.infer("ensemble_arith", arith_inputs(httpclient, a, a),
                              outputs=[httpclient.InferRequestedOutput("RESULT")])
    assert result.as_numpy("RESULT").tolist() == [-2.0] * 4
    assert result.as_numpy("SUM") is None


def test_statistics_and_metrics_count_the_ensemble_and_its_steps(server):
    a = np.ones(4, dtype=np.float32)
    with httpclient.InferenceServerClient(server.url) as client:
        ensemble_before = success_count(client, "ensemble_arith")
        add_sub_before = success_count(client, "add_sub")
        for _ in range(3):
            client.infer("ensemble_arith", arith_inputs(httpclient, a, a))
        assert success_count(client, "ensemble_arith") - ensemble_before == 3
        assert success_count(client, "add_sub") - add_sub_before == 9  # three add_sub steps per request
        # As in Triton, the ensemble's queue and compute times are the sums of its steps'.
        ensemble = client.get_inference_statistics("ensemble_arith")["model_stats"][0]["inference_stats"]
        steps = [client.get_inference_statistics(m)["model_stats"][0]["inference_stats"]
                 for m in ("add_sub", "custom_metrics")]
        assert 0 < ensemble["compute_infer"]["ns"] <= sum(step["compute_infer"]["ns"] for step in steps)
        assert ensemble["queue"]["ns"] > 0
    metrics = requests.get(server.metrics_url, timeout=10).text
    line = [l for l in metrics.splitlines()
            if l.startswith('nv_inference_request_success{model="ensemble_arith",version="1"}')]
    assert line and int(float(line[0].split()[-1])) >= 3


def test_config_reports_the_ensemble(server):
    with httpclient.InferenceServerClient(server.url) as client:
        config = client.get_model_config("ensemble_arith")
        assert config["platform"] == "ensemble"
        assert [step["model_name"] for step in config["ensemble_scheduling"]["step"]] == \
            ["add_sub", "add_sub", "custom_metrics", "add_sub"]
        assert client.get_model_config("ensemble_countdown_square")["model_transaction_policy"]["decoupled"] is True


@pytest.mark.parametrize("protocol", [httpclient, grpcclient])
def test_a_failing_step_fails_the_request(server, protocol):
    with client_for(server, protocol) as client:
        with pytest.raises(InferenceServerException) as raised:
            client.infer("ensemble_raises", x_input(protocol, 0))
        assert "zero is not a valid input" in str(raised.value)
        with pytest.raises(InferenceServerException) as raised:
            client.infer("ensemble_raises", x_input(protocol, -3))
        assert "negative input -3 is not allowed" in str(raised.value)
        assert client.infer("ensemble_raises", x_input(protocol, 3)).as_numpy("Y").tolist() == [9]


def test_decoupled_step_streams_each_response_through_the_next_step(server):
    answers = queue.Queue()
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        client.start_stream(callback=lambda result, error: answers.put((result, error)))
        n = grpcclient.InferInput("N", [1], "INT32")
        n.set_data_from_numpy(np.array([4], dtype=np.int32))
        client.async_stream_infer("ensemble_countdown_square", [n], request_id="four",
                                  enable_empty_final_response=True)
        squares = []
        while True:
            result, error = answers.get(timeout=60)
            assert error is None, error
            response = result.get_response()
            if response.outputs:
                squares.append(int(result.as_numpy("SQUARE")[0]))
            if response.parameters["triton_final_response"].bool_param:
                break
        client.stop_stream()
    assert sorted(squares, reverse=True) == [16, 9, 4, 1]


def test_decoupled_ensemble_is_refused_by_unary_http(server):
    with httpclient.InferenceServerClient(server.url) as client:
        n = httpclient.InferInput("N", [1], "INT32")
        n.set_data_from_numpy(np.array([2], dtype=np.int32))
        with pytest.raises(InferenceServerException):
            client.infer("ensemble_countdown_square", [n])


def test_missing_step_model_makes_the_ensemble_not_ready(server):
    with httpclient.InferenceServerClient(server.url) as client:
        assert not client.is_model_ready("ensemble_missing_step")
        assert client.is_model_ready("ensemble_arith")


def test_broken_data_flow_fails_to_load(server):
    assert server.wait_for_output("in ensemble ensemble_broken, step 0 (model 'int_square') needs ensemble "
                                  "tensors that no step or input provides: NOWHERE")
    with httpclient.InferenceServerClient(server.url) as client:
        assert not client.is_model_ready("ensemble_broken")
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        index = {entry.name: entry for entry in client.get_model_repository_index().models}
        assert index["ensemble_broken"].state == "UNAVAILABLE"


def repository_states(client):
    return {entry["name"]: entry.get("state") for entry in client.get_model_repository_index()}


def test_explicit_mode_loads_composing_models_and_unloads_them_as_dependents():
    """As Triton: loading an ensemble in explicit mode loads its composing models with it; unloading it with
    unload_dependents unloads those, except one the user loaded by name or another ensemble still uses."""
    repository = make_repository(EXAMPLES / "add_sub", EXAMPLES / "custom_metrics", EXAMPLES / "ensemble_arith",
                                 TEST_MODELS / "ensemble_missing_step")
    a = np.array([1, 2, 3, 4], dtype=np.float32)
    b = np.array([4, 3, 2, 1], dtype=np.float32)
    with JepServe([repository], ["--model-control-mode", "explicit", "--load-model", "ensemble_arith"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            states = repository_states(client)
            assert states["add_sub"] == "READY" and states["custom_metrics"] == "READY"
            assert client.infer("ensemble_arith", arith_inputs(httpclient, a, b)).as_numpy("SUM").tolist() == (a + b).tolist()

            # Without unload_dependents the composing models stay.
            client.unload_model("ensemble_arith")
            wait_for_state(client, "ensemble_arith", "UNAVAILABLE")
            assert client.is_model_ready("add_sub") and client.is_model_ready("custom_metrics")

            # The user loads custom_metrics by name: it is theirs and survives the ensemble's dependents.
            client.load_model("ensemble_arith")
            client.load_model("custom_metrics")
            client.unload_model("ensemble_arith", unload_dependents=True)
            wait_for_state(client, "add_sub", "UNAVAILABLE")
            assert client.is_model_ready("custom_metrics")
            assert not client.is_model_ready("ensemble_arith")

            # A composing model that cannot load fails the ensemble's load, naming it.
            with pytest.raises(InferenceServerException) as failed:
                client.load_model("ensemble_missing_step")
            assert "composing model" in str(failed.value)
            assert not client.is_model_ready("ensemble_missing_step")
            assert client.is_server_live()


def wait_for_state(client, model, state, timeout=30):
    deadline = time.monotonic() + timeout
    while repository_states(client).get(model) != state:
        assert time.monotonic() < deadline, "%s never became %s" % (model, state)
        time.sleep(0.1)
