"""Decoupled models and async execute through the real tritonclient.grpc: Triton's response-sender error
texts, responses sent after execute returned, and async execute running many requests in one instance."""

import queue
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository


@pytest.fixture(scope="module")
def server():
    repository = make_repository(TEST_MODELS / "decoupled_modes", TEST_MODELS / "async_stream",
                                 TEST_MODELS / "async_scale")
    with JepServe([repository], extra_args=["--python-threads", "1"]) as running:
        yield running


@pytest.fixture
def client(server):
    with grpcclient.InferenceServerClient(server.grpc_url) as c:
        yield c


def mode_input(mode):
    tensor = grpcclient.InferInput("MODE", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([mode.encode()], dtype=np.object_))
    return tensor


def sleep_input(ms):
    tensor = grpcclient.InferInput("SLEEP_MS", [1], "INT32")
    tensor.set_data_from_numpy(np.array([ms], dtype=np.int32))
    return tensor


def stream(client, requests, count, timeout=20, empty_final=False):
    """Sends (model, inputs, id) requests on one stream; returns the first `count` (result, error) pairs."""
    answers = queue.Queue()
    client.start_stream(callback=lambda result, error: answers.put((result, error)))
    try:
        for model, inputs, request_id in requests:
            client.async_stream_infer(model, inputs, request_id=request_id, enable_empty_final_response=empty_final)
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            try:
                got.append(answers.get(timeout=0.1))
            except queue.Empty:
                pass
        return got
    finally:
        client.stop_stream()


def text_of(result):
    return result.as_numpy("TEXT")[0].decode()


def last_error(client):
    (result, error), = stream(client, [("decoupled_modes", [mode_input("last_error")], "last")], 1)
    assert error is None, error
    return text_of(result)


@pytest.mark.parametrize("mode, text", [
    ("double_final", "Unable to send response. Response sender has been closed."),
    ("send_after_close", "Unable to send response. Response sender has been closed."),
    ("bad_flag", "Unable to send response. Unsupported flag provided."),
    ("none_without_flag", "Inference Response object must be provided when the response flags is set to zero."),
])
def test_response_sender_misuse_raises_tritons_texts(client, mode, text):
    # Each mode ends its request with a final flag: the empty final response says the model is done.
    got = stream(client, [("decoupled_modes", [mode_input(mode)], mode)], 1, empty_final=True)
    assert len(got) == 1
    assert last_error(client) == text


def test_a_decoupled_execute_that_returns_responses_fails_its_requests(client):
    (_, error), = stream(client, [("decoupled_modes", [mode_input("return_list")], "r")], 1)
    assert isinstance(error, InferenceServerException)
    assert "Python model 'decoupled_modes_0_0' is using the decoupled mode and the execute function must return " \
           "None." in str(error)


def test_a_decoupled_execute_that_raises_fails_its_requests_with_the_python_error(client):
    (_, error), = stream(client, [("decoupled_modes", [mode_input("raise")], "r")], 1)
    assert "Failed to process the request(s) for model 'decoupled_modes_0_0', message: ValueError: decoupled model " \
           "failed on purpose" in str(error)
    # The instance keeps serving.
    (result, error), = stream(client, [("decoupled_modes", [mode_input("one_final")], "after")], 1)
    assert error is None and text_of(result) == "only"


def test_responses_sent_from_a_thread_after_execute_returned_arrive(client):
    got = stream(client, [("decoupled_modes", [mode_input("background")], "bg")], 2)
    assert [error for _, error in got] == [None, None]
    assert [text_of(result) for result, _ in got] == ["late 0", "late 1"]


def test_async_decoupled_execute_runs_requests_of_one_instance_concurrently(client):
    started = time.monotonic()
    got = stream(client, [("async_stream", [sleep_input(800)], "r%d" % i) for i in range(4)], 4)
    elapsed = time.monotonic() - started
    assert [error for _, error in got] == [None] * 4
    assert sorted(result.get_response().id for result, _ in got) == ["r0", "r1", "r2", "r3"]
    # Four 0.8 s sleeps on one instance: together, not one after another (3.2 s).
    assert elapsed < 2.4, elapsed


def test_an_exception_in_async_decoupled_execute_reaches_the_client(client):
    (_, error), = stream(client, [("async_stream", [sleep_input(-1)], "neg")], 1)
    assert "ValueError: negative sleep -1" in str(error)


def test_errors_show_as_the_client_prints_them(server, client):
    with pytest.raises(InferenceServerException) as raised:
        client.infer("decoupled_modes", [mode_input("one_final")])
    assert str(raised.value).startswith("[StatusCode.")
    scale = grpcclient.InferInput("X", [1], "FP32")
    scale.set_data_from_numpy(np.array([-1.0], dtype=np.float32))
    with pytest.raises(InferenceServerException) as raised:
        client.infer("async_scale", [scale])
    assert str(raised.value).startswith("[StatusCode.INTERNAL] Failed to process the request(s) for model "
                                        "'async_scale_0_0', message: ValueError: negative input")


def test_http_infer_refuses_a_decoupled_model(server):
    with httpclient.InferenceServerClient(server.url) as client:
        inputs = [httpclient.InferInput("MODE", [1], "BYTES")]
        inputs[0].set_data_from_numpy(np.array([b"one_final"], dtype=np.object_))
        with pytest.raises(InferenceServerException) as raised:
            client.infer("decoupled_modes", inputs)
    assert "HTTP end point doesn't support models with decoupled transaction policy" in str(raised.value)
