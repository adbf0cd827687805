"""request.set_release_flags(TRITONSERVER_REQUEST_RELEASE_RESCHEDULE): the request is executed again, in both
isolation modes (Triton's request_rescheduling suite: iterative_sequence, request_rescheduling_addsub,
wrong_return_type)."""

import queue

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository


@pytest.fixture(scope="module", params=["inprocess", "process"])
def server(request):
    repository = make_repository(TEST_MODELS / "reschedule_iterative", TEST_MODELS / "reschedule_addsub",
                                 TEST_MODELS / "reschedule_wrong_return")
    with JepServe([repository], ["--python-isolation", request.param]) as running:
        yield running


def test_decoupled_request_is_executed_until_it_is_done(server):
    answers = queue.Queue()
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        client.start_stream(callback=lambda result, error: answers.put((result, error)))
        for request_id, n in (("a", 3), ("b", 5)):
            value = grpcclient.InferInput("IN", [1], "INT32")
            value.set_data_from_numpy(np.array([n], dtype=np.int32))
            client.async_stream_infer("reschedule_iterative", [value], request_id=request_id,
                                      enable_empty_final_response=True)
        outs = {"a": [], "b": []}
        open_ids = {"a", "b"}
        while open_ids:
            result, error = answers.get(timeout=60)
            assert error is None, error
            response = result.get_response()
            if response.outputs:
                outs[response.id].append(int(result.as_numpy("OUT")[0]))
            if response.parameters["triton_final_response"].bool_param:
                open_ids.discard(response.id)
        client.stop_stream()
    assert outs == {"a": [2, 1, 0], "b": [4, 3, 2, 1, 0]}


def test_rescheduled_request_is_answered_on_its_next_execution(server):
    a = np.arange(4, dtype=np.float32)
    b = np.ones(4, dtype=np.float32)
    inputs = [grpcclient.InferInput("INPUT0", [4], "FP32"), grpcclient.InferInput("INPUT1", [4], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        for _ in range(2):
            result = client.infer("reschedule_addsub", inputs)
            assert result.as_numpy("OUTPUT0").tolist() == (a + b).tolist()
            assert result.as_numpy("OUTPUT1").tolist() == (a - b).tolist()
        stats = client.get_inference_statistics("reschedule_addsub", as_json=True)["model_stats"][0]
        assert int(stats["inference_stats"]["success"]["count"]) == 2
        assert int(stats["execution_count"]) == 3  # the first request ran twice


def test_response_for_a_rescheduled_request_is_an_error(server):
    value = grpcclient.InferInput("INPUT0", [4], "FP32")
    value.set_data_from_numpy(np.zeros(4, dtype=np.float32))
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        with pytest.raises(InferenceServerException) as raised:
            client.infer("reschedule_wrong_return", [value])
    assert "Expected a None object in the execute function return list for reschduled request" in str(raised.value)
