"""BLS (a model calling models through the server) with the real tritonclient, HTTP and gRPC, in both isolation
modes, with one Python thread: results, errors as responses, a missing model, timeouts, cancellation, a
decoupled target iterated, concurrent calls without a deadlock, and BLS refused in initialize()."""

import json
import queue
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository

MODES = ["inprocess", "process"]
MISSING = ("Model no_such_model - Error when running inference: Failed for execute the inference request. "
           "Model 'no_such_model' is not ready.")


@pytest.fixture(scope="module", params=MODES)
def server(request):
    repository = make_repository(*(EXAMPLES / name for name in ("add_sub", "countdown", "custom_metrics", "bls_sync",
                                                                  "bls_async", "bls_decoupled")),
                                 TEST_MODELS / "bls_probe", TEST_MODELS / "cancel_aware")
    with JepServe([repository], ["--python-isolation", request.param, "--python-threads", "1"]) as running:
        yield running


def add_sub_inputs(module, a, b):
    tensors = [module.InferInput("INPUT0", [4], "FP32"), module.InferInput("INPUT1", [4], "FP32")]
    tensors[0].set_data_from_numpy(a)
    tensors[1].set_data_from_numpy(b)
    return tensors


def probe(server, mode, timeout_us=None):
    tensor = httpclient.InferInput("MODE", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([mode.encode()], dtype=np.object_))
    with httpclient.InferenceServerClient(server.url, network_timeout=120) as client:
        kwargs = {"timeout": timeout_us} if timeout_us else {}
        result = client.infer("bls_probe", [tensor], **kwargs)
    return json.loads(result.as_numpy("TEXT")[0])


@pytest.mark.parametrize("protocol", [httpclient, grpcclient])
def test_sync_bls_returns_the_called_models_outputs(server, protocol):
    a = np.array([1, 2, 3, 4], dtype=np.float32)
    b = np.array([4, 3, 2, 1], dtype=np.float32)
    url = server.url if protocol is httpclient else server.grpc_url
    with protocol.InferenceServerClient(url) as client:
        result = client.infer("bls_sync", add_sub_inputs(protocol, a, b))
    assert result.as_numpy("OUTPUT0").tolist() == (a + b).tolist()
    assert result.as_numpy("OUTPUT1").tolist() == (a - b).tolist()


@pytest.mark.parametrize("protocol", [httpclient, grpcclient])
def test_async_bls_gathers_two_models(server, protocol):
    a = np.array([5, 6, 7, 8], dtype=np.float32)
    b = np.array([1, 1, 1, 1], dtype=np.float32)
    url = server.url if protocol is httpclient else server.grpc_url
    with protocol.InferenceServerClient(url) as client:
        result = client.infer("bls_async", add_sub_inputs(protocol, a, b))
    assert result.as_numpy("OUTPUT0").tolist() == (a + b).tolist()
    assert result.as_numpy("OUTPUT1").tolist() == (a - b).tolist()


@pytest.mark.parametrize("protocol", [httpclient, grpcclient])
def test_decoupled_target_is_iterated_to_its_final_response(server, protocol):
    url = server.url if protocol is httpclient else server.grpc_url
    with protocol.InferenceServerClient(url) as client:
        for n in (0, 1, 6):
            tensor = protocol.InferInput("N", [1], "INT32")
            tensor.set_data_from_numpy(np.array([n], dtype=np.int32))
            result = client.infer("bls_decoupled", [tensor])
            assert (int(result.as_numpy("SUM")[0]), int(result.as_numpy("RESPONSES")[0])) == (n * (n + 1) // 2, n)


def test_missing_model_is_an_error_response_not_an_exception(server):
    outcome = probe(server, "missing")
    assert outcome["error"] == ["INTERNAL", MISSING]
    assert outcome["responses"] == 1


@pytest.mark.parametrize("protocol", [httpclient, grpcclient])
def test_error_response_reaches_the_client(server, protocol):
    a = np.ones(4, dtype=np.float32)
    url = server.url if protocol is httpclient else server.grpc_url
    tensors = add_sub_inputs(protocol, a, a)
    name = protocol.InferInput("MODEL_NAME", [1], "BYTES")
    name.set_data_from_numpy(np.array([b"no_such_model"], dtype=np.object_))
    with protocol.InferenceServerClient(url) as client:
        with pytest.raises(InferenceServerException) as raised:
            client.infer("bls_sync", tensors + [name])
    assert MISSING in str(raised.value)
    # The server keeps serving.
    with protocol.InferenceServerClient(url) as client:
        assert client.infer("bls_sync", add_sub_inputs(protocol, a, a)).as_numpy("OUTPUT0").tolist() == [2.0] * 4


def test_decoupled_target_needs_decoupled_true(server):
    outcome = probe(server, "decoupled_target")
    code, message = outcome["error"]
    assert code == "INTERNAL"
    assert message.startswith("Model countdown - Error when running inference: Model countdown is using the "
                              "decoupled. The current BLS request call doesn't support models using the decoupled "
                              "transaction policy.")


def test_bls_timeout_cancels_the_called_request(server):
    outcome = probe(server, "timeout")
    assert outcome["error"] is not None
    assert outcome["error"][0] == "CANCELLED"
    assert outcome["seconds"] < 4.0  # cancel_aware would have waited 5 s
    assert server.wait_for_output("cancel_aware: bls-timeout cancelled after")


def test_iterator_cancel_cancels_the_call(server):
    outcome = probe(server, "cancel_iterator")
    assert outcome["error"] is not None and outcome["error"][0] == "CANCELLED"
    assert outcome["seconds"] < 4.0


def test_parameters_request_id_and_version_are_accepted(server):
    outcome = probe(server, "parameters")
    assert outcome["error"] is None
    assert outcome["outputs"] == {"OUTPUT0": [5.0, 5.0, 5.0, 5.0]}


def test_callers_cancellation_cancels_its_bls_call(server):
    # The caller's own request times out after 0.3 s: its BLS call to cancel_aware (10 s) is cancelled.
    started = time.monotonic()
    try:
        probe(server, "orphan", timeout_us=300000)
    except InferenceServerException:
        pass  # the caller may answer with its own cancellation
    assert server.wait_for_output("cancel_aware: bls-orphan cancelled after", timeout=8)
    assert time.monotonic() - started < 9


def test_concurrent_bls_with_one_python_thread_does_not_deadlock(server):
    a = np.arange(4, dtype=np.float32)

    def call(i):
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            model = ("bls_sync", "bls_async")[i % 2]
            return client.infer(model, add_sub_inputs(httpclient, a, a)).as_numpy("OUTPUT0").tolist()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(24), timeout=90))
    assert results == [(a + a).tolist()] * 24


def test_stream_of_bls_requests_over_grpc(server):
    answers = queue.Queue()
    a = np.ones(4, dtype=np.float32)
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        client.start_stream(callback=lambda result, error: answers.put((result, error)))
        for i in range(5):
            client.async_stream_infer("bls_sync", add_sub_inputs(grpcclient, a * i, a), request_id=str(i))
        got = {}
        for _ in range(5):
            result, error = answers.get(timeout=60)
            assert error is None
            got[result.get_response().id] = result.as_numpy("OUTPUT0").tolist()
        client.stop_stream()
    assert got == {str(i): [float(i + 1)] * 4 for i in range(5)}


@pytest.mark.parametrize("isolation", MODES)
def test_bls_in_initialize_is_refused(isolation):
    repository = make_repository(EXAMPLES / "add_sub", TEST_MODELS / "bls_init_error")
    with JepServe([repository], ["--python-isolation", isolation, "--exit-on-error", "false"]) as running:
        assert running.wait_for_output("BLS is only supported during the 'execute' function.")
        with httpclient.InferenceServerClient(running.url) as client:
            assert not client.is_model_ready("bls_init_error")
            assert client.is_model_ready("add_sub")


def test_nested_sync_bls_with_two_python_threads_runs_every_call_once():
    """In process with two Python threads, a blocking exec() runs the called model's execute on its own thread
    (no hand-off); nested calls (bls_outer calling bls_sync calling add_sub, or add_sub directly) from
    concurrent clients still each run once, answer right, and count in the called models' statistics."""
    repository = make_repository(EXAMPLES / "add_sub", EXAMPLES / "bls_sync")
    # A second bls_sync under another name: a model calling itself would wait for its own only instance.
    outer = repository / "bls_outer"
    shutil.copytree(repository / "bls_sync", outer)
    config = outer / "config.pbtxt"
    config.write_text(config.read_text().replace('name: "bls_sync"', 'name: "bls_outer"'))
    with JepServe([repository], ["--python-isolation", "inprocess", "--python-threads", "2"]) as running:
        def one(index):
            a = np.full(4, index, dtype=np.float32)
            b = np.ones(4, dtype=np.float32)
            inputs = add_sub_inputs(grpcclient, a, b)
            if index % 2:
                target = grpcclient.InferInput("MODEL_NAME", [1], "BYTES")
                target.set_data_from_numpy(np.array([b"bls_sync"], dtype=np.object_))
                inputs.append(target)
            with grpcclient.InferenceServerClient(running.grpc_url) as client:
                result = client.infer("bls_outer", inputs, client_timeout=60)
            return result.as_numpy("OUTPUT0").tolist() == (a + b).tolist() and \
                result.as_numpy("OUTPUT1").tolist() == (a - b).tolist()

        with ThreadPoolExecutor(6) as pool:
            assert all(pool.map(one, range(60)))
        with httpclient.InferenceServerClient(running.url) as client:
            counts = {stats["name"]: stats["inference_count"]
                      for stats in client.get_inference_statistics()["model_stats"]}
        assert counts["bls_outer"] == 60
        assert counts["add_sub"] == 60
        assert counts["bls_sync"] == 30  # the odd requests' nested calls
