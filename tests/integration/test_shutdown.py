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
