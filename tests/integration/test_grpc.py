"""The gRPC front end, driven by the real tritonclient.grpc (sync, streaming and aio) against the real server."""

import asyncio
import queue
import shutil
import subprocess
import time

import grpc
import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.grpc.aio as aioclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from jepserve_process import CLIENT_PYTHON, EXAMPLES, TEST_MODELS, JepServe, make_repository

MODELS = ["bytes_echo", "cancel_aware", "execute_raises", "batched_scale", "decoupled_modes"]
DECOUPLED_EXAMPLES = ["countdown", "echo_stream"]


@pytest.fixture(scope="module")
def server():
    repository = make_repository(EXAMPLES / "add_sub", *[EXAMPLES / name for name in DECOUPLED_EXAMPLES],
                                 *[TEST_MODELS / name for name in MODELS])
    # The same model declared decoupled: gRPC's unary ModelInfer must refuse it, as Triton does.
    shutil.copytree(repository / "add_sub", repository / "add_sub_decoupled")
    config = repository / "add_sub_decoupled" / "config.pbtxt"
    config.write_text(config.read_text().replace('name: "add_sub"', 'name: "add_sub_decoupled"')
                      + "\nmodel_transaction_policy { decoupled: true }\n")
    with JepServe([repository]) as running:
        yield running


@pytest.fixture
def client(server):
    with grpcclient.InferenceServerClient(server.grpc_url) as c:
        yield c


@pytest.fixture
def stub(server):
    """The protocol's own generated stub (from tritonclient), for messages tritonclient's API cannot build."""
    with grpc.insecure_channel(server.grpc_url) as channel:
        yield service_pb2_grpc.GRPCInferenceServiceStub(channel)


A = np.array([1, 2, 3, 4], dtype=np.float32)
B = np.array([0.5, 0.25, 2, 8], dtype=np.float32)


def add_sub_inputs(a=A, b=B, module=grpcclient):
    inputs = [module.InferInput("INPUT0", list(a.shape), "FP32"), module.InferInput("INPUT1", list(b.shape), "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    return inputs


def bytes_input(values):
    array = np.array(values, dtype=np.object_)
    text = grpcclient.InferInput("TEXT", list(array.shape), "BYTES")
    text.set_data_from_numpy(array)
    return text


def wait_output(server, text, timeout=15):
    assert server.wait_for_output(text, timeout), "server never printed %r:\n%s" % (text, server.output[-3000:])


# ---- health, metadata, config ----

def test_the_server_says_where_grpc_listens(server):
    assert "Started GRPCInferenceService at 127.0.0.1:%d" % server.grpc_port in server.output


def test_live_ready_and_model_ready(client):
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("add_sub")
    assert client.is_model_ready("add_sub", "1")


def test_model_ready_of_an_unknown_model_is_not_found(client):
    with pytest.raises(InferenceServerException) as error:
        client.is_model_ready("no_such_model")
    assert error.value.status() == "StatusCode.NOT_FOUND"
    assert "Request for unknown model: 'no_such_model' is not found" in error.value.message()


def test_server_metadata_matches_http(server, client):
    metadata = client.get_server_metadata(as_json=True)
    http = requests.get("http://%s/v2" % server.url).json()
    assert metadata == {"name": http["name"], "version": http["version"], "extensions": http["extensions"]}


def test_model_metadata(client):
    metadata = client.get_model_metadata("add_sub", as_json=True)
    assert metadata["name"] == "add_sub"
    assert metadata["versions"] == ["1"]
    assert metadata["platform"] == "python"
    assert metadata["inputs"][0] == {"name": "INPUT0", "datatype": "FP32", "shape": ["4"]}
    assert [output["name"] for output in metadata["outputs"]] == ["OUTPUT0", "OUTPUT1"]


def test_model_metadata_of_a_batching_model_starts_shapes_with_minus_one(client):
    metadata = client.get_model_metadata("batched_scale", "1")
    assert metadata.versions == ["1"]
    assert metadata.inputs[0].shape[0] == -1


def test_model_metadata_of_an_unknown_version_is_not_found(client):
    with pytest.raises(InferenceServerException) as error:
        client.get_model_metadata("add_sub", "7")
    assert error.value.status() == "StatusCode.NOT_FOUND"
    assert "Request for unknown model: 'add_sub' version 7 is not found" in error.value.message()


def test_model_config_is_the_normalized_config(server, client):
    config = client.get_model_config("add_sub").config
    assert config.name == "add_sub"
    assert config.backend == "python"
    assert [tensor.name for tensor in config.input] == ["INPUT0", "INPUT1"]
    assert list(config.input[0].dims) == [4]
    as_json = client.get_model_config("add_sub", as_json=True)["config"]
    http = requests.get("http://%s/v2/models/add_sub/config" % server.url).json()
    assert as_json["name"] == http["name"]
    assert as_json["default_model_filename"] == http["default_model_filename"]
    assert as_json["instance_group"][0]["kind"] == http["instance_group"][0]["kind"]
    assert as_json["input"][0]["data_type"] == "TYPE_FP32"
    assert client.get_model_config("add_sub_decoupled").config.model_transaction_policy.decoupled


# ---- inference ----

def test_infer_add_sub(client):
    result = client.infer("add_sub", add_sub_inputs(), request_id="7")
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), A + B)
    np.testing.assert_allclose(result.as_numpy("OUTPUT1"), A - B)
    response = result.get_response()
    assert response.id == "7"
    assert response.model_name == "add_sub"
    assert response.model_version == "1"
    assert len(response.raw_output_contents) == len(response.outputs) == 2


def test_requested_outputs_are_the_only_ones_returned(client):
    result = client.infer("add_sub", add_sub_inputs(), outputs=[grpcclient.InferRequestedOutput("OUTPUT1")])
    assert [output.name for output in result.get_response().outputs] == ["OUTPUT1"]
    np.testing.assert_allclose(result.as_numpy("OUTPUT1"), A - B)
    assert result.as_numpy("OUTPUT0") is None


def test_infer_bytes(client):
    result = client.infer("bytes_echo", [bytes_input([b"hello", b"", "wörld".encode()])])
    assert result.as_numpy("UPPER").tolist() == [b"HELLO", b"", "WöRLD".encode()]
    assert result.as_numpy("LENGTHS").tolist() == [5, 0, 6]


def test_typed_contents_give_the_same_result_as_raw(stub):
    request = service_pb2.ModelInferRequest(model_name="add_sub", id="typed")
    for name, values in (("INPUT0", A), ("INPUT1", B)):
        tensor = request.inputs.add(name=name, datatype="FP32", shape=[4])
        tensor.contents.fp32_contents.extend(values.tolist())
    response = stub.ModelInfer(request)
    assert response.id == "typed"
    assert [output.name for output in response.outputs] == ["OUTPUT0", "OUTPUT1"]
    np.testing.assert_allclose(np.frombuffer(response.raw_output_contents[0], dtype=np.float32), A + B)


def test_typed_bytes_contents(stub):
    request = service_pb2.ModelInferRequest(model_name="bytes_echo")
    tensor = request.inputs.add(name="TEXT", datatype="BYTES", shape=[2])
    tensor.contents.bytes_contents.extend([b"ab", b"xyz"])
    response = stub.ModelInfer(request)
    lengths = response.outputs[1]
    assert lengths.name == "LENGTHS"
    assert np.frombuffer(response.raw_output_contents[1], dtype=np.int32).tolist() == [2, 3]


def test_typed_contents_of_the_wrong_type_are_refused(stub):
    request = service_pb2.ModelInferRequest(model_name="add_sub")
    for name in ("INPUT0", "INPUT1"):
        request.inputs.add(name=name, datatype="FP32", shape=[4]).contents.int_contents.extend([1, 2, 3, 4])
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(request)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details() == ("unexpected explicit tensor data for input tensor 'INPUT0' for model 'add_sub' "
                                     "of type 'INT32', expected datatype 'FP32'")


def test_contents_and_raw_contents_together_are_refused(stub):
    request = service_pb2.ModelInferRequest(model_name="add_sub")
    request.inputs.add(name="INPUT0", datatype="FP32", shape=[4]).contents.fp32_contents.extend(A.tolist())
    request.inputs.add(name="INPUT1", datatype="FP32", shape=[4])
    request.raw_input_contents.append(B.tobytes())
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(request)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details() == ("contents field must not be specified when using raw_input_contents for "
                                     "'INPUT0' for model 'add_sub'")


def test_an_input_without_data_is_refused(stub):
    request = service_pb2.ModelInferRequest(model_name="add_sub")
    request.inputs.add(name="INPUT0", datatype="FP32", shape=[4])
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(request)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details() == "unable to find data for input tensor 'INPUT0' for model 'add_sub' in request."


def test_unknown_model_is_not_found(client):
    with pytest.raises(InferenceServerException) as error:
        client.infer("no_such_model", add_sub_inputs())
    assert str(error.value) == "[StatusCode.NOT_FOUND] Request for unknown model: 'no_such_model' is not found"


def test_wrong_input_shape_is_invalid_argument(client):
    five = np.arange(5, dtype=np.float32)
    with pytest.raises(InferenceServerException) as error:
        client.infer("add_sub", add_sub_inputs(five, five))
    assert error.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert "unexpected shape for input 'INPUT0' for model 'add_sub'" in error.value.message()


def test_reserved_and_wrongly_typed_parameters_are_refused(stub):
    # tritonclient refuses these itself; a client built on the bare protocol gets Triton's answers.
    reserved = service_pb2.ModelInferRequest(model_name="add_sub")
    reserved.parameters["triton_secret"].string_param = "x"
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(reserved)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details().startswith("parameter keys starting with 'triton_' are reserved for Triton usage.")
    wrong = service_pb2.ModelInferRequest(model_name="add_sub")
    wrong.parameters["timeout"].string_param = "soon"
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(wrong)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details() == "invalid value type for 'timeout' parameter, expected int64_param."


def test_custom_parameters_sequence_priority_and_empty_final_flag_are_accepted(client):
    result = client.infer("add_sub", add_sub_inputs(), parameters={"s": "x", "i": 3, "b": True, "d": 0.5},
                          priority=2, timeout=10_000_000)
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), A + B)


def test_a_model_error_keeps_its_code_and_text(client):
    x = grpcclient.InferInput("X", [1], "INT32")
    x.set_data_from_numpy(np.array([0], dtype=np.int32))
    with pytest.raises(InferenceServerException) as error:
        client.infer("execute_raises", [x])
    assert str(error.value) == "[StatusCode.INVALID_ARGUMENT] zero is not a valid input"


def test_unary_infer_of_a_decoupled_model_is_refused(client):
    with pytest.raises(InferenceServerException) as error:
        client.infer("add_sub_decoupled", add_sub_inputs())
    assert str(error.value) == ("[StatusCode.UNIMPLEMENTED] ModelInfer RPC doesn't support models with decoupled "
                                "transaction policy")


@pytest.mark.parametrize("algorithm", ["gzip", "deflate"])
def test_compressed_requests(client, algorithm):
    result = client.infer("add_sub", add_sub_inputs(), compression_algorithm=algorithm)
    np.testing.assert_allclose(result.as_numpy("OUTPUT1"), A - B)


def test_messages_over_grpcs_default_4_mib_limit(client):
    big = b"x" * (6 * 1024 * 1024)
    result = client.infer("bytes_echo", [bytes_input([big])])
    assert result.as_numpy("LENGTHS").tolist() == [len(big)]
    assert len(result.as_numpy("UPPER")[0]) == len(big)


def test_a_call_that_times_out_cancels_its_request(server, client):
    wait = grpcclient.InferInput("WAIT_MS", [1], "INT32")
    wait.set_data_from_numpy(np.array([10_000], dtype=np.int32))
    with pytest.raises(InferenceServerException) as error:
        client.infer("cancel_aware", [wait], request_id="unary-deadline", client_timeout=0.5)
    assert error.value.status() == "StatusCode.DEADLINE_EXCEEDED"
    wait_output(server, "cancel_aware: unary-deadline cancelled after")


# ---- statistics, repository, shared memory, settings, health ----

def test_statistics(client):
    client.infer("add_sub", add_sub_inputs())
    stats = client.get_inference_statistics("add_sub", as_json=True)["model_stats"]
    assert [(entry["name"], entry["version"]) for entry in stats] == [("add_sub", "1")]
    assert int(stats[0]["inference_count"]) >= 1
    assert int(stats[0]["inference_stats"]["success"]["count"]) >= 1
    everything = client.get_inference_statistics(as_json=True)["model_stats"]
    assert "bytes_echo" in [entry["name"] for entry in everything]


def test_statistics_of_an_unknown_model_are_invalid_argument(client):
    with pytest.raises(InferenceServerException) as error:
        client.get_inference_statistics("no_such_model")
    assert str(error.value) == "[StatusCode.INVALID_ARGUMENT] requested model 'no_such_model' is not available"


def test_repository_index_lists_every_model(client):
    index = client.get_model_repository_index(as_json=True)["models"]
    names = [entry["name"] for entry in index]
    assert names == sorted(names)
    assert {"name": "add_sub", "version": "1", "state": "READY"} in index


def test_load_and_unload_are_refused_outside_explicit_mode(client):
    for call in (lambda: client.load_model("add_sub"), lambda: client.unload_model("add_sub")):
        with pytest.raises(InferenceServerException) as error:
            call()
        assert str(error.value) == ("[StatusCode.UNAVAILABLE] explicit model load / unload is not allowed if "
                                    "polling is enabled")


def test_shared_memory_status_is_empty_and_register_is_refused(client):
    assert client.get_system_shared_memory_status(as_json=True) == {}
    assert client.get_cuda_shared_memory_status(as_json=True) == {}
    client.unregister_system_shared_memory()
    client.unregister_cuda_shared_memory()
    with pytest.raises(InferenceServerException) as error:
        client.register_system_shared_memory("region", "/key", 64)
    assert error.value.status() == "StatusCode.UNIMPLEMENTED"


def test_log_and_trace_settings_are_reported(client):
    logs = client.get_log_settings(as_json=True)["settings"]
    assert logs["log_info"] == {"bool_param": True}
    assert logs["log_verbose_level"] == {"uint32_param": 0}
    trace = client.get_trace_settings(as_json=True)["settings"]
    assert trace["trace_level"] == {"value": ["OFF"]}


def test_grpc_health_check_is_serving(server):
    with grpc.insecure_channel(server.grpc_url) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda raw: raw,
                                    response_deserializer=lambda raw: raw)
        assert check(b"", timeout=5) == b"\x08\x01"  # HealthCheckResponse{status: SERVING}


# ---- streaming ----

def collect(results, count, timeout=15):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        try:
            got.append(results.get(timeout=0.1))
        except queue.Empty:
            pass
    return got


def test_stream_answers_each_request_once_in_order(client):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)))
    try:
        for n in range(5):
            client.async_stream_infer("add_sub", add_sub_inputs(A * n, B), request_id=str(n))
        got = collect(results, 5)
    finally:
        client.stop_stream()
    assert [error for _, error in got] == [None] * 5
    assert [result.get_response().id for result, _ in got] == ["0", "1", "2", "3", "4"]
    for n, (result, _) in enumerate(got):
        np.testing.assert_allclose(result.as_numpy("OUTPUT0"), A * n + B)
        assert result.get_response().parameters["triton_final_response"].bool_param is True
    assert results.empty()


def test_stream_errors_are_in_band_and_the_stream_goes_on(client):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)))
    try:
        client.async_stream_infer("no_such_model", add_sub_inputs(), request_id="lost")
        x = grpcclient.InferInput("X", [1], "INT32")
        x.set_data_from_numpy(np.array([0], dtype=np.int32))
        client.async_stream_infer("execute_raises", [x], request_id="failed")
        client.async_stream_infer("add_sub", add_sub_inputs(), request_id="fine")
        got = collect(results, 3)
    finally:
        client.stop_stream()
    assert len(got) == 3
    assert got[0][0] is None and "Request for unknown model: 'no_such_model' is not found" in str(got[0][1])
    assert got[1][0] is None and "zero is not a valid input" in str(got[1][1])
    assert got[2][1] is None and got[2][0].get_response().id == "fine"


def test_stream_with_empty_final_response_enabled_still_answers_once(client):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)))
    try:
        client.async_stream_infer("add_sub", add_sub_inputs(), request_id="e", enable_empty_final_response=True)
        got = collect(results, 2, timeout=3)
    finally:
        client.stop_stream()
    assert len(got) == 1
    assert got[0][0].get_response().parameters["triton_final_response"].bool_param is True


def test_stream_triton_grpc_error_header_ends_the_stream_with_a_status(client):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)),
                        headers={"triton_grpc_error": "true"})
    try:
        client.async_stream_infer("no_such_model", add_sub_inputs(), request_id="x")
        got = collect(results, 1)
    finally:
        client.stop_stream()
    assert len(got) == 1
    assert "StatusCode.NOT_FOUND" in str(got[0][1])
    assert "Request for unknown model: 'no_such_model' is not found" in str(got[0][1])


def test_cancelling_a_stream_cancels_its_requests(server, client):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)))
    wait = grpcclient.InferInput("WAIT_MS", [1], "INT32")
    wait.set_data_from_numpy(np.array([10_000], dtype=np.int32))
    client.async_stream_infer("cancel_aware", [wait], request_id="stream-cancel")
    time.sleep(0.5)
    client.stop_stream(cancel_requests=True)
    wait_output(server, "cancel_aware: stream-cancel cancelled after")
    assert client.is_server_live()


# ---- decoupled Python models on a stream ----

@pytest.mark.parametrize("example", DECOUPLED_EXAMPLES)
def test_the_decoupled_examples_clients_pass(server, example):
    completed = subprocess.run([CLIENT_PYTHON, str(EXAMPLES / example / "client.py"),
                                "--url", server.grpc_url], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("PASS: %s" % example)


def stream_modes(client, *modes, empty_final=False, count):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)))
    try:
        for mode in modes:
            client.async_stream_infer("decoupled_modes", [mode_input(mode)], request_id=mode,
                                      enable_empty_final_response=empty_final)
        return collect(results, count)
    finally:
        client.stop_stream()


def mode_input(mode):
    tensor = grpcclient.InferInput("MODE", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([mode.encode()], dtype=np.object_))
    return tensor


def final(result):
    return result.get_response().parameters["triton_final_response"].bool_param


def test_a_decoupled_model_streams_responses_with_parameters_then_an_empty_final(client):
    got = stream_modes(client, "three", empty_final=True, count=4)
    assert [error for _, error in got] == [None] * 4
    texts = [result.as_numpy("TEXT")[0] for result, _ in got[:3]]
    assert texts == [b"part 0", b"part 1", b"part 2"]
    parameters = got[2][0].get_response().parameters
    assert parameters["index"].int64_param == 2
    assert parameters["label"].string_param == "p2"
    assert parameters["last"].bool_param is True
    assert [final(result) for result, _ in got] == [False, False, False, True]
    empty = got[3][0].get_response()
    assert empty.id == "three" and empty.model_name == "decoupled_modes" and not empty.outputs


def test_without_the_flag_the_empty_final_response_is_not_sent(client):
    got = stream_modes(client, "three", count=4)
    assert len(got) == 3
    assert [final(result) for result, _ in got] == [False, False, False]


def test_a_decoupled_error_response_does_not_end_the_request_or_the_stream(client):
    got = stream_modes(client, "error_then_ok", "one_final", count=3)
    assert len(got) == 3
    errors = [error for _, error in got if error is not None]
    assert len(errors) == 1 and "first part failed" in str(errors[0])
    texts = sorted(result.as_numpy("TEXT")[0] for result, error in got if error is None)
    assert texts == [b"only", b"second part"]


def test_cancelling_a_stream_cancels_a_decoupled_request(server, client):
    results = queue.Queue()
    client.start_stream(callback=lambda result, error: results.put((result, error)))
    client.async_stream_infer("decoupled_modes", [mode_input("until_cancelled")], request_id="forever")
    time.sleep(0.5)
    client.stop_stream(cancel_requests=True)
    wait_output(server, "decoupled_modes: request cancelled=True sender cancelled=True")


def test_unary_infer_of_a_decoupled_python_model_is_refused(client):
    with pytest.raises(InferenceServerException) as error:
        client.infer("decoupled_modes", [mode_input("one_final")])
    assert error.value.status() == "StatusCode.UNIMPLEMENTED"


# ---- asyncio client ----

def test_aio_client_infers_and_streams(server):
    async def run():
        async with aioclient.InferenceServerClient(server.grpc_url) as client:
            assert await client.is_server_ready()
            metadata = await client.get_model_metadata("add_sub", as_json=True)
            assert metadata["name"] == "add_sub"
            result = await client.infer("add_sub", add_sub_inputs(module=aioclient), request_id="aio")
            np.testing.assert_allclose(result.as_numpy("OUTPUT0"), A + B)

            async def requests_to_send():
                for n in range(3):
                    yield {"model_name": "add_sub", "inputs": add_sub_inputs(A + n, B, module=aioclient),
                           "request_id": "s%d" % n}

            answers = []
            async for result, error in client.stream_infer(requests_to_send()):
                assert error is None
                answers.append(result.get_response().id)
                if len(answers) == 3:
                    break
            return answers

    assert asyncio.run(asyncio.wait_for(run(), 60)) == ["s0", "s1", "s2"]


def test_a_model_that_failed_to_load_shows_in_the_index_and_makes_the_server_not_ready():
    repository = make_repository(EXAMPLES / "add_sub", TEST_MODELS / "init_raises")
    with JepServe([repository], ["--exit-on-error=false"]) as running:
        with grpcclient.InferenceServerClient(running.grpc_url) as client:
            assert client.is_server_live()
            assert not client.is_server_ready()
            index = client.get_model_repository_index(as_json=True)["models"]
            failed = [entry for entry in index if entry["name"] == "init_raises"]
            assert len(failed) == 1 and failed[0]["state"] == "UNAVAILABLE" and failed[0]["reason"]
        with grpc.insecure_channel(running.grpc_url) as channel:
            ready_only = service_pb2_grpc.GRPCInferenceServiceStub(channel).RepositoryIndex(
                service_pb2.RepositoryIndexRequest(ready=True))
            assert [(entry.name, entry.state) for entry in ready_only.models] == [("add_sub", "READY")]
            check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda raw: raw,
                                        response_deserializer=lambda raw: raw)
            assert check(b"", timeout=5) == b"\x08\x02"  # HealthCheckResponse{status: NOT_SERVING}


def test_allow_grpc_false_turns_grpc_off():
    with JepServe([make_repository(EXAMPLES / "add_sub")], ["--allow-grpc=false"]) as running:
        assert "GRPCInferenceService" not in running.output
        with grpcclient.InferenceServerClient(running.grpc_url) as client:
            with pytest.raises(InferenceServerException) as error:
                client.is_server_live(client_timeout=2)
        assert error.value.status() in ("StatusCode.UNAVAILABLE", "StatusCode.DEADLINE_EXCEEDED")


def test_zz_the_server_logged_no_java_exception(server):
    """Runs last in this module: nothing above made the server log a stack trace."""
    assert "Exception" not in server.output and "\tat " not in server.output, server.output[-5000:]
