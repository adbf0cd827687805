"""Dynamic batching, queue policies, timeouts, cancellation and the statistics extension."""

import json
import socket
import threading
import time

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository


@pytest.fixture(scope="module")
def server():
    repository = make_repository(*[TEST_MODELS / name for name in ("dynamic_batch", "queue_policy", "cancel_aware",
                                                                        "stacked_scale")])
    with JepServe([repository]) as running:
        yield running


def int_input(name, value, batched):
    array = np.array([[value]] if batched else [value], dtype=np.int32)
    tensor = httpclient.InferInput(name, list(array.shape), "INT32")
    tensor.set_data_from_numpy(array)
    return tensor


def failures(server, model, reason):
    line = 'nv_inference_request_failure{model="%s",reason="%s",version="1"} ' % (model, reason)
    for text_line in requests.get(server.metrics_url).text.splitlines():
        if text_line.startswith(line):
            return float(text_line[len(line):])
    raise AssertionError("no series " + line)


def test_four_requests_sent_together_share_one_execute(server):
    with httpclient.InferenceServerClient(server.url, concurrency=4) as client:
        started = time.monotonic()
        pending = [client.async_infer("dynamic_batch", [int_input("X", i, batched=True)]) for i in range(4)]
        results = [p.get_result() for p in pending]
        elapsed = time.monotonic() - started
        assert [r.as_numpy("Y").tolist() for r in results] == [[[0]], [[1]], [[2]], [[3]]]
        assert all(r.as_numpy("REQUESTS_IN_CALL").tolist() == [[4]] for r in results)
        # The preferred batch size (max_batch_size 4) was reached: no waiting for the 10 s queue delay.
        assert elapsed < 5
        # An execution is counted when execute() returns, which in a stub process may come just after the
        # responses reached the client: wait for it (with a deadline).
        deadline = time.monotonic() + 10
        while True:
            stats = client.get_inference_statistics("dynamic_batch")["model_stats"][0]
            if stats["execution_count"] >= 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    assert stats["name"] == "dynamic_batch" and stats["version"] == "1"
    assert stats["execution_count"] == 1
    assert stats["inference_count"] == 4
    assert stats["inference_stats"]["success"]["count"] == 4
    assert stats["batch_stats"][0]["batch_size"] == 4
    assert stats["batch_stats"][0]["compute_infer"]["count"] == 1


def test_a_lone_request_waits_at_most_the_queue_delay(server):
    # Fewer requests than the preferred size: the batch goes when the oldest has waited the delay.
    # (The delay is 10 s; this test only checks the request is not sent early with a partial batch.)
    with httpclient.InferenceServerClient(server.url, concurrency=2) as client:
        started = time.monotonic()
        first = client.async_infer("dynamic_batch", [int_input("X", 7, batched=True)])
        time.sleep(0.5)
        second = client.async_infer("dynamic_batch", [int_input("X", 8, batched=True)])
        results = [first.get_result(), second.get_result()]
        elapsed = time.monotonic() - started
    assert all(r.as_numpy("REQUESTS_IN_CALL").tolist() == [[2]] for r in results)
    assert 9 < elapsed < 15


def test_queue_timeout_rejects_and_counts(server):
    before = failures(server, "queue_policy", "REJECTED")
    with httpclient.InferenceServerClient(server.url, concurrency=2) as client:
        busy = client.async_infer("queue_policy", [int_input("SLEEP_MS", 1500, batched=True)])
        time.sleep(0.3)
        with pytest.raises(InferenceServerException) as error:
            client.infer("queue_policy", [int_input("SLEEP_MS", 0, batched=True)])
        assert error.value.status() == "503"
        assert error.value.message() == "Request timeout expired"
        # allow_timeout_override: the request's own timeout (5 s) replaces the 300 ms queue timeout.
        result = client.infer("queue_policy", [int_input("SLEEP_MS", 1, batched=True)], timeout=5_000_000)
        assert result.as_numpy("SLEPT_MS").tolist() == [[1]]
        busy.get_result()
    assert failures(server, "queue_policy", "REJECTED") == before + 1


def test_full_queue_rejects(server):
    with httpclient.InferenceServerClient(server.url, concurrency=4) as client:
        busy = client.async_infer("queue_policy", [int_input("SLEEP_MS", 1500, batched=True)])
        time.sleep(0.3)
        queued = [client.async_infer("queue_policy", [int_input("SLEEP_MS", 0, batched=True)], timeout=10_000_000)
                  for _ in range(2)]
        time.sleep(0.3)
        with pytest.raises(InferenceServerException) as error:
            client.infer("queue_policy", [int_input("SLEEP_MS", 0, batched=True)], timeout=10_000_000)
        assert error.value.status() == "503"
        assert error.value.message() == "Exceeds maximum queue size"
        busy.get_result()
        for item in queued:
            item.get_result()


def test_request_timeout_cancels_a_running_request(server):
    before = failures(server, "cancel_aware", "CANCELED")
    with httpclient.InferenceServerClient(server.url) as client:
        started = time.monotonic()
        with pytest.raises(InferenceServerException) as error:
            client.infer("cancel_aware", [int_input("WAIT_MS", 5000, batched=False)], request_id="timed",
                         timeout=300_000)
        assert time.monotonic() - started < 4
    # The server answers at the deadline; what the model sends after it saw is_cancelled() is dropped.
    assert error.value.message() == "Request timeout expired"
    assert server.wait_for_output("cancel_aware: timed cancelled after", timeout=5), server.output
    assert failures(server, "cancel_aware", "CANCELED") == before + 1


def test_client_disconnect_cancels_a_running_request(server):
    body = json.dumps({"id": "gone", "inputs": [{"name": "WAIT_MS", "datatype": "INT32", "shape": [1],
                                                  "data": [8000]}]}).encode()
    host, port = server.url.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST /v2/models/cancel_aware/infer HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                     % len(body) + body)
        time.sleep(0.5)
    # The model sees is_cancelled() turn true well before its 8 s wait ends.
    assert server.wait_for_output("cancel_aware: gone cancelled after", timeout=5), server.output
    # And the server keeps serving.
    with httpclient.InferenceServerClient(server.url) as client:
        assert client.infer("cancel_aware", [int_input("WAIT_MS", 1, batched=False)]).as_numpy("WAITED_MS").size == 1


def test_statistics_json_shapes(server):
    with httpclient.InferenceServerClient(server.url) as client:
        client.infer("cancel_aware", [int_input("WAIT_MS", 1, batched=False)])
        every = client.get_inference_statistics()
        one = client.get_inference_statistics("cancel_aware", "1")
    assert sorted(s["name"] for s in every["model_stats"]) == ["cancel_aware", "dynamic_batch", "queue_policy",
                                                               "stacked_scale"]
    stats = one["model_stats"][0]
    assert list(stats) == ["name", "version", "last_inference", "inference_count", "execution_count",
                           "inference_stats", "response_stats", "batch_stats", "memory_usage"]
    assert list(stats["inference_stats"]) == ["success", "fail", "queue", "compute_input", "compute_infer",
                                              "compute_output", "cache_hit", "cache_miss"]
    for value in stats["inference_stats"].values():
        assert set(value) == {"count", "ns"} and all(isinstance(v, int) and v >= 0 for v in value.values())
    assert stats["last_inference"] > 1_600_000_000_000
    raw = requests.get("http://%s/v2/models/no_such_model/stats" % server.url)
    assert raw.status_code == 400 and "error" in raw.json()


def test_batch_stacking_helper_stacks_grouped_requests(server):
    """jepserve_batching (our extension): one numpy batch per execute(), split back per request."""
    batches = [np.arange(3, dtype=np.float32).reshape(1, 3),
               np.arange(6, dtype=np.float32).reshape(2, 3) + 10,
               np.full((1, 3), 7, dtype=np.float32)]
    with httpclient.InferenceServerClient(server.url, concurrency=3) as client:
        pending = []
        for x in batches:
            tensor = httpclient.InferInput("X", list(x.shape), "FP32")
            tensor.set_data_from_numpy(x)
            pending.append(client.async_infer("stacked_scale", [tensor]))
        results = [p.get_result() for p in pending]
    for x, result in zip(batches, results):
        np.testing.assert_array_equal(result.as_numpy("Y"), x * 2)
    # All three arrived within the 200 ms queue delay, so one execute() stacked their 4 rows.
    assert [r.as_numpy("BATCH_ROWS").reshape(-1)[0] for r in results] == [4, 4, 4]
