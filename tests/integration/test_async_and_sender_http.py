"""async def execute and the response sender of non-decoupled models, seen by a real HTTP client."""

import threading
import time

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository


@pytest.fixture(scope="module")
def server():
    repository = make_repository(TEST_MODELS / "async_scale", TEST_MODELS / "sender_modes",
                                 TEST_MODELS / "bytes_echo", TEST_MODELS / "async_overlap")
    with JepServe([repository], extra_args=["--python-threads", "1"]) as running:
        yield running


def scale_input(values):
    array = np.array(values, dtype=np.float32)
    tensor = httpclient.InferInput("X", list(array.shape), "FP32")
    tensor.set_data_from_numpy(array)
    return tensor


def mode_input(mode):
    tensor = httpclient.InferInput("MODE", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([mode.encode()], dtype=np.object_))
    return tensor


def text(client, mode):
    return client.infer("sender_modes", [mode_input(mode)]).as_numpy("TEXT")[0].decode()


def test_async_execute_answers_with_its_returned_responses(server):
    with httpclient.InferenceServerClient(server.url) as client:
        result = client.infer("async_scale", [scale_input([1.5, 2.0])])
    assert result.as_numpy("Y").tolist() == [3.0, 4.0]


def test_an_exception_in_async_execute_fails_the_request_with_the_python_error(server):
    with httpclient.InferenceServerClient(server.url) as client:
        with pytest.raises(InferenceServerException) as raised:
            client.infer("async_scale", [scale_input([-1.0])])
        assert "Failed to process the request(s) for model 'async_scale_0_0', message: ValueError: negative input" \
            in str(raised.value)
        # The instance keeps serving.
        assert client.infer("async_scale", [scale_input([1.0])]).as_numpy("Y").tolist() == [2.0]


def test_awaiting_async_execute_does_not_hold_the_python_thread(server):
    # One Python thread: while async_scale awaits its sleep, another model's execute still runs.
    with httpclient.InferenceServerClient(server.url, concurrency=8) as client:
        slow = [client.async_infer("async_scale", [scale_input([float(i)])]) for i in range(1)]
        started = time.monotonic()
        for _ in range(5):
            assert text(client, "sender") == "via sender"
        assert slow[0].get_result().as_numpy("Y").tolist() == [0.0]
        assert time.monotonic() - started < 5


def test_an_instance_runs_its_async_executions_one_after_the_other(server):
    # Under load a busy stub instance is handed its next batch early; while a non-decoupled coroutine awaits,
    # the stub must not start that batch (Triton runs an instance's executions in turn).
    with httpclient.InferenceServerClient(server.url, concurrency=6) as client:
        pending = [client.async_infer("async_overlap", [scale_input([float(i)])]) for i in range(6)]
        started = time.monotonic()
        counts = [each.get_result().as_numpy("Y").tolist() for each in pending]
    assert counts == [[1]] * 6
    assert time.monotonic() - started >= 0.4  # six 0.1 s executions in turn (the first began before the clock)


@pytest.mark.parametrize("mode, expected", [("sender", "via sender"),
                                            ("sender_then_final", "response then final"),
                                            ("mixed", "mixed")])
def test_non_decoupled_model_may_answer_through_its_sender(server, mode, expected):
    with httpclient.InferenceServerClient(server.url) as client:
        assert text(client, mode) == expected


def test_non_decoupled_sender_refuses_a_second_response(server):
    with httpclient.InferenceServerClient(server.url) as client:
        assert text(client, "twice") == "first"
        assert text(client, "last_error") == \
            "Unable to send response. Non-decoupled model cannot send more than one response."


def test_non_decoupled_sender_refuses_a_final_flag_before_the_response(server):
    with httpclient.InferenceServerClient(server.url) as client:
        assert text(client, "complete_first") == "after the refused final"
        assert text(client, "last_error") == \
            "Unable to send response. Non-decoupled model cannot send complete final before sending a response."
