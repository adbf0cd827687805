"""Graceful shutdown: on SIGTERM a request in flight is still answered and finalize() runs."""

import threading
import time

import numpy as np
import tritonclient.http as httpclient

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository


def test_sigterm_answers_requests_in_flight_then_finalizes():
    repository = make_repository(TEST_MODELS / "cancel_aware", EXAMPLES / "add_sub")
    server = JepServe([repository]).wait_live()
    outcome = {}

    def slow_request():
        with httpclient.InferenceServerClient(server.url, network_timeout=30) as client:
            inp = httpclient.InferInput("WAIT_MS", [1], "INT32")
            inp.set_data_from_numpy(np.array([1500], dtype=np.int32))
            try:
                outcome["waited"] = client.infer("cancel_aware", [inp], request_id="last").as_numpy("WAITED_MS")
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                outcome["error"] = error

    caller = threading.Thread(target=slow_request)
    caller.start()
    time.sleep(0.5)
    started = time.monotonic()
    exit_code = server.stop(timeout=60)
    caller.join(30)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["waited"][0] >= 1400
    assert "cancel_aware: last finished" in server.output
    # add_sub's finalize() prints when the model unloads at shutdown.
    assert "add_sub: finalized" in server.output
    assert time.monotonic() - started < 30
    assert exit_code == 0, server.output


def test_sigterm_answers_grpc_calls_and_streams_in_flight():
    import queue

    import tritonclient.grpc as grpcclient

    repository = make_repository(TEST_MODELS / "cancel_aware")
    server = JepServe([repository]).wait_live()

    def wait_input(ms):
        inp = grpcclient.InferInput("WAIT_MS", [1], "INT32")
        inp.set_data_from_numpy(np.array([ms], dtype=np.int32))
        return [inp]

    outcome = {}

    def slow_unary():
        with grpcclient.InferenceServerClient(server.grpc_url) as client:
            try:
                outcome["waited"] = client.infer("cancel_aware", wait_input(1500), request_id="unary-last") \
                    .as_numpy("WAITED_MS")
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                outcome["error"] = error

    streamed = queue.Queue()
    with grpcclient.InferenceServerClient(server.grpc_url) as stream_client:
        stream_client.start_stream(callback=lambda result, error: streamed.put((result, error)))
        stream_client.async_stream_infer("cancel_aware", wait_input(1500), request_id="stream-last")
        caller = threading.Thread(target=slow_unary)
        caller.start()
        time.sleep(0.5)
        exit_code = server.stop(timeout=60)
        caller.join(30)
        result, error = streamed.get(timeout=10)
        stream_client.stop_stream()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["waited"][0] >= 1400
    assert error is None and result.get_response().id == "stream-last"
    assert "cancel_aware: unary-last finished" in server.output
    assert "cancel_aware: stream-last finished" in server.output
    assert exit_code == 0, server.output
