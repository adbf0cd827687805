"""The nv_* families: created at load, moving with successes and failures, parseable by Prometheus."""

import time

import numpy as np

import pytest
import requests
import tritonclient.http as httpclient
from prometheus_client.parser import text_string_to_metric_families
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository


@pytest.fixture(scope="module")
def server():
    repository = make_repository(EXAMPLES / "add_sub", TEST_MODELS / "execute_raises")
    with JepServe([repository], ["--metrics-interval-ms", "200"]) as running:
        yield running


def scrape(server):
    reply = requests.get(server.metrics_url)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    return reply.text


def samples(text):
    """{(name, frozenset(labels)): value} through the real Prometheus parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            # The parser reports counter samples as <name>_total; the exposition itself has no suffix.
            name = family.name if family.type == "counter" else sample.name
            found[(name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found, name, model, **labels):
    key = (name, frozenset({"model": model, "version": "1", **labels}.items()))
    return found[key]


def infer_x(server, value):
    with httpclient.InferenceServerClient(server.url) as client:
        inp = httpclient.InferInput("X", [1], "INT32")
        inp.set_data_from_numpy(np.array([value], dtype=np.int32))
        return client.infer("execute_raises", [inp])


def test_series_exist_at_zero_after_load(server):
    found = samples(scrape(server))
    for name in ("nv_inference_request_success", "nv_inference_count", "nv_inference_exec_count",
                 "nv_inference_request_duration_us", "nv_inference_queue_duration_us",
                 "nv_inference_compute_input_duration_us", "nv_inference_compute_infer_duration_us",
                 "nv_inference_compute_output_duration_us", "nv_inference_pending_request_count"):
        assert value(found, name, "add_sub") == 0, name
    for reason in ("REJECTED", "CANCELED", "BACKEND", "OTHER"):
        assert value(found, "nv_inference_request_failure", "add_sub", reason=reason) == 0
    assert value(found, "nv_model_load_duration_secs", "add_sub") > 0


def test_counters_move_with_successes_and_failures(server):
    before = samples(scrape(server))
    infer_x(server, 4)
    infer_x(server, 5)
    with pytest.raises(InferenceServerException):
        infer_x(server, -1)
    with pytest.raises(InferenceServerException):
        infer_x(server, 0)
    # Counters move when an execution returns, which may be a moment after its client got the answer.
    deadline = time.monotonic() + 5
    while True:
        after = samples(scrape(server))
        executions = value(after, "nv_inference_exec_count", "execute_raises") - value(
            before, "nv_inference_exec_count", "execute_raises")
        if executions >= 4 or time.monotonic() > deadline:
            break
        time.sleep(0.05)

    def delta(name, **labels):
        return value(after, name, "execute_raises", **labels) - value(before, name, "execute_raises", **labels)

    assert delta("nv_inference_request_success") == 2
    assert delta("nv_inference_count") == 2
    assert delta("nv_inference_exec_count") == 4
    assert delta("nv_inference_request_failure", reason="BACKEND") == 2
    assert delta("nv_inference_request_failure", reason="REJECTED") == 0
    assert delta("nv_inference_request_duration_us") > 0
    assert delta("nv_inference_compute_infer_duration_us") > 0
    assert value(after, "nv_inference_pending_request_count", "execute_raises") == 0
    # The other model's series did not move.
    assert value(after, "nv_inference_request_success", "add_sub") == value(before, "nv_inference_request_success",
                                                                            "add_sub")


def test_exposition_is_tritons_text_format(server):
    infer_x(server, 1)
    text = scrape(server)
    assert 'nv_inference_request_failure{model="execute_raises",reason="BACKEND",version="1"}' in text
    assert "_total{" not in text and "_created" not in text
    assert ",}" not in text
    assert "# TYPE nv_inference_request_success counter" in text
    # Integers print without a decimal point.
    for line in text.splitlines():
        if line.startswith("nv_inference_request_success{"):
            assert "." not in line.rsplit(" ", 1)[1]


def test_cpu_metrics_are_polled(server):
    found = samples(scrape(server))
    assert 0 <= found[("nv_cpu_utilization", frozenset())] <= 1
    total = found[("nv_cpu_memory_total_bytes", frozenset())]
    used = found[("nv_cpu_memory_used_bytes", frozenset())]
    assert total > 0 and 0 < used <= total


def test_other_paths_on_the_metrics_port(server):
    base = server.metrics_url.rsplit("/", 1)[0]
    assert requests.get(base + "/metrics/").status_code == 200
    other = requests.get(base + "/anything")
    assert other.status_code == 200 and other.text == ""
    assert requests.post(server.metrics_url).status_code == 405
