"""The in-process direct path of blocking BLS calls: an exec() whose target's in-process instance is idle runs
the target's execute() on the caller's thread. Checked against the same call made the ordinary way (a call
with a timeout always takes the ordinary path): the same answers and error texts, the same statistics and
nv_* metrics; the fast path is seen taken in the verbose log ("on its caller's thread"), and the cases that
fall back (a busy instance, a decoupled target, a stub-process target, BYTES inputs) still work."""

import json
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient
from prometheus_client.parser import text_string_to_metric_families

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository, wait_until

TARGET = "direct_target"
STUB_TARGET = "direct_target_stub"


@pytest.fixture(scope="module")
def server():
    repository = make_repository(TEST_MODELS / "direct_target", TEST_MODELS / "direct_caller",
                                 TEST_MODELS / "bls_probe", EXAMPLES / "add_sub", EXAMPLES / "countdown")
    # The same target in a stub process: a call to it takes the ordinary path.
    stub = repository / STUB_TARGET
    shutil.copytree(repository / TARGET, stub)
    config = stub / "config.pbtxt"
    config.write_text(config.read_text().replace('name: "direct_target"', 'name: "direct_target_stub"')
                      + '\nparameters { key: "PYTHON_ISOLATION" value { string_value: "process" } }\n')
    with JepServe([repository], ["--python-isolation", "inprocess", "--log-verbose", "1"]) as running:
        yield running


def call(server, mode, ordinary=False, target=None, timeout_us=None):
    """direct_caller's report of one BLS call (see tests/models/direct_caller)."""
    inputs = [httpclient.InferInput("MODE", [1], "BYTES")]
    inputs[0].set_data_from_numpy(np.array([mode.encode()], dtype=np.object_))
    if ordinary:
        inputs.append(httpclient.InferInput("ORDINARY", [1], "BOOL"))
        inputs[-1].set_data_from_numpy(np.array([True]))
    if target:
        inputs.append(httpclient.InferInput("TARGET", [1], "BYTES"))
        inputs[-1].set_data_from_numpy(np.array([target.encode()], dtype=np.object_))
    with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
        kwargs = {"timeout": timeout_us} if timeout_us else {}
        return json.loads(client.infer("direct_caller", inputs, **kwargs).as_numpy("TEXT")[0])


def direct_runs(server, model):
    """How many requests of the model ran on their BLS caller's thread so far (the verbose log says so)."""
    return len(re.findall(r"model '%s', instance '[^']*': executing 1 request\(s\) on its caller's thread" % model,
                          server.output))


def expect_direct_runs(server, model, count):
    wait_until(lambda: direct_runs(server, model) == count, timeout=10,
               what="%d direct run(s) of %s, saw %d" % (count, model, direct_runs(server, model)))


def seen(report):
    return json.loads(report["outputs"]["SEEN"][0])


PROCESS_ERROR = "Failed to process the request(s) for model 'direct_target_0', message: "
EXPECTED_ERRORS = {
    "raise": ["INTERNAL", PROCESS_ERROR + "ValueError: the target failed on purpose\n\nAt:\n  1/model.py(42): execute\n"],
    "wrong_type": ["INTERNAL", PROCESS_ERROR + "Expected a list in the execute return, found type 'str'."],
    "undeclared": ["INVALID_ARG", "unexpected inference output 'EXTRA' for model 'direct_target'"],
    "error_response": ["INVALID_ARG", "the target says no"],
    "bad_dtype": ["INTERNAL", "Model direct_target - Error when running inference: [request id: direct-1] inference "
                              "input 'X' data-type is 'INT32', but model 'direct_target' expects 'FP32'"],
    "bad_shape": ["INTERNAL", "Model direct_target - Error when running inference: [request id: direct-1] unexpected "
                              "shape for input 'X' for model 'direct_target'. Expected [4], got [3]. "],
}


@pytest.mark.parametrize("mode", sorted(EXPECTED_ERRORS))
def test_errors_have_the_ordinary_paths_texts(server, mode):
    before = direct_runs(server, TARGET)
    direct = call(server, mode)
    assert direct["error"] == EXPECTED_ERRORS[mode]
    assert direct == call(server, mode, ordinary=True)
    # An invalid request is refused before any instance is reserved; the others ran directly.
    expect_direct_runs(server, TARGET, before + (0 if mode.startswith("bad_") else 1))


@pytest.mark.parametrize("mode", ["ok", "sender", "late"])
def test_answers_and_what_the_target_sees_match_the_ordinary_path(server, mode):
    before = direct_runs(server, TARGET)
    direct = call(server, mode)
    expect_direct_runs(server, TARGET, before + 1)
    assert direct["error"] is None
    assert direct["outputs"]["DOUBLED"] == [2.0, 4.0, 6.0, 8.0]
    assert seen(direct) == {"id": "direct-1", "correlation_id": 9, "flags": 0,
                            "parameters": {"mode": mode, "n": 3, "flag": True}, "requested": ["DOUBLED", "SEEN"],
                            "cancelled": False, "model": TARGET}
    assert direct["model"] == "direct_caller"  # pb_utils' current model is the caller's again
    assert direct == call(server, mode, ordinary=True)


def test_only_requested_outputs_reach_the_caller(server):
    direct = call(server, "requested")
    assert direct["outputs"] == {"DOUBLED": [2.0, 4.0, 6.0, 8.0]}
    assert direct == call(server, "requested", ordinary=True)


def test_a_target_changing_its_inputs_in_place_leaves_the_callers_arrays_intact(server):
    direct = call(server, "mutate")
    assert direct["outputs"]["DOUBLED"] == [4.0, 8.0, 12.0, 16.0]  # the target saw its own change
    assert direct["x_after"] == [1.0, 2.0, 3.0, 4.0]
    assert direct == call(server, "mutate", ordinary=True)


def target_stats(server):
    with httpclient.InferenceServerClient(server.url) as client:
        stats = client.get_inference_statistics(TARGET)["model_stats"][0]
    counts = {"inference_count": stats["inference_count"], "execution_count": stats["execution_count"]}
    for stage, value in stats["inference_stats"].items():
        counts[stage] = value["count"]
    return counts


def target_metrics(server):
    found = {}
    for family in text_string_to_metric_families(requests.get(server.metrics_url).text):
        for sample in family.samples:
            if sample.labels.get("model") == TARGET and not family.name.endswith("_duration_us"):
                found[(family.name, sample.labels.get("reason"))] = sample.value
    return found


def delta(before, after):
    return {key: after[key] - before.get(key, 0) for key in after}


@pytest.mark.parametrize("mode", ["ok", "raise"])
def test_statistics_and_metrics_count_direct_calls_as_ordinary_ones(server, mode):
    counted = []
    for ordinary in (False, True):
        stats, metrics = target_stats(server), target_metrics(server)
        runs = direct_runs(server, TARGET)
        for _ in range(3):
            call(server, mode, ordinary=ordinary)
        expect_direct_runs(server, TARGET, runs + (0 if ordinary else 3))
        wait_until(lambda: target_stats(server)["execution_count"] == stats["execution_count"] + 3,
                   what="three executions counted")
        counted.append((delta(stats, target_stats(server)), delta(metrics, target_metrics(server))))
    (direct_stats, direct_metrics), (ordinary_stats, ordinary_metrics) = counted
    assert direct_stats == ordinary_stats
    assert direct_metrics == ordinary_metrics
    succeeded = 3 if mode == "ok" else 0
    assert direct_stats["success"] == succeeded and direct_stats["fail"] == 3 - succeeded
    assert direct_stats["execution_count"] == 3
    assert direct_metrics[("nv_inference_request_success", None)] == succeeded
    assert direct_metrics[("nv_inference_request_failure", "BACKEND")] == 3 - succeeded
    assert direct_metrics[("nv_inference_exec_count", None)] == 3


def test_a_busy_instance_sends_the_call_the_ordinary_way(server):
    before = direct_runs(server, TARGET)
    with ThreadPoolExecutor(2) as pool:  # direct_caller has two instances: both call at once
        reports = list(pool.map(lambda _: call(server, "sleep"), range(2)))
    for report in reports:
        assert report["error"] is None and report["outputs"]["DOUBLED"] == [2.0, 4.0, 6.0, 8.0]
    # The target's one instance was busy with the first call while the second came: that one queued.
    expect_direct_runs(server, TARGET, before + 1)


def test_a_stub_process_target_takes_the_ordinary_path(server):
    report = call(server, "ok", target=STUB_TARGET)
    assert report["error"] is None and seen(report)["model"] == STUB_TARGET
    assert report["outputs"]["DOUBLED"] == [2.0, 4.0, 6.0, 8.0]
    assert direct_runs(server, STUB_TARGET) == 0


def test_a_decoupled_target_keeps_triton_s_refusal(server):
    report = call(server, "countdown", target="countdown")
    assert report["error"][1].startswith("Model countdown - Error when running inference: Model countdown is using "
                                         "the decoupled.")
    assert direct_runs(server, "countdown") == 0


def test_a_call_with_bytes_inputs_takes_the_ordinary_path(server):
    report = call(server, "bytes_input", target="bls_probe")
    assert report["error"] is None
    assert json.loads(report["outputs"]["TEXT"][0])["outputs"] == {"OUTPUT0": [5.0, 5.0, 5.0, 5.0]}
    assert direct_runs(server, "bls_probe") == 0
    assert direct_runs(server, "add_sub") >= 1  # bls_probe's own call to add_sub went directly


def test_the_callers_cancellation_reaches_the_direct_target(server):
    """The caller's request times out while the target waits for is_cancelled(): the target sees it (within
    the BLS bridge's 20 ms sweep) instead of waiting its 10 s."""
    executions = target_stats(server)["execution_count"]
    runs = direct_runs(server, TARGET)
    started = time.monotonic()
    with pytest.raises(Exception, match="Request timeout expired"):
        call(server, "wait_cancel", timeout_us=300_000)
    wait_until(lambda: target_stats(server)["execution_count"] == executions + 1, timeout=5,
               what="the target's execution returned")
    assert time.monotonic() - started < 5
    expect_direct_runs(server, TARGET, runs + 1)
