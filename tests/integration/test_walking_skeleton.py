"""Issue: the walking skeleton. The real server, our test models, the real tritonclient.http."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import CLIENT_PYTHON, EXAMPLES, TEST_MODELS, JepServe, make_repository

MODELS = ["bytes_echo", "optional_input", "batched_scale", "auto_complete_only", "execute_raises", "init_raises",
          "init_args", "syntax_error"]


@pytest.fixture(scope="module")
def server():
    repository = make_repository(EXAMPLES / "add_sub", *[TEST_MODELS / name for name in MODELS])
    # The same model asking for GPU instances: accepted, run on the CPU, with a warning.
    shutil.copytree(repository / "init_args", repository / "gpu_kind")
    config = repository / "gpu_kind" / "config.pbtxt"
    config.write_text(config.read_text().replace("KIND_CPU", "KIND_GPU"))
    with JepServe([repository], ["--exit-on-error=false"]) as running:
        yield running


@pytest.fixture
def client(server):
    with httpclient.InferenceServerClient(server.url) as c:
        yield c


def infer_add_sub(client, a, b, binary=True):
    inputs = [httpclient.InferInput("INPUT0", list(a.shape), "FP32"),
              httpclient.InferInput("INPUT1", list(b.shape), "FP32")]
    inputs[0].set_data_from_numpy(a, binary_data=binary)
    inputs[1].set_data_from_numpy(b, binary_data=binary)
    outputs = [httpclient.InferRequestedOutput("OUTPUT0", binary_data=binary),
               httpclient.InferRequestedOutput("OUTPUT1", binary_data=binary)]
    return client.infer("add_sub", inputs, outputs=outputs, request_id="7")


def assert_add_sub_works(client):
    a = np.array([1, 2, 3, 4], dtype=np.float32)
    b = np.array([0.5, 0.25, 2, 8], dtype=np.float32)
    result = infer_add_sub(client, a, b)
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_allclose(result.as_numpy("OUTPUT1"), a - b)


def test_start_up_table_lists_every_model(server):
    assert "| Model" in server.output
    assert "| add_sub" in server.output and "READY" in server.output
    assert "init_raises" in server.output and "UNAVAILABLE" in server.output


def test_health_and_server_metadata(server, client):
    assert client.is_server_live()
    # init_raises failed to load, so with strict readiness the server reports not ready.
    assert not client.is_server_ready()
    metadata = client.get_server_metadata()
    assert metadata["name"] == "triton"
    assert "binary_tensor_data" in metadata["extensions"]


def test_add_sub_binary_and_json(client):
    a = np.random.rand(4).astype(np.float32)
    b = np.random.rand(4).astype(np.float32)
    for binary in (True, False):
        result = infer_add_sub(client, a, b, binary=binary)
        np.testing.assert_allclose(result.as_numpy("OUTPUT0"), a + b, rtol=1e-6)
        np.testing.assert_allclose(result.as_numpy("OUTPUT1"), a - b, rtol=1e-6)
        response = result.get_response()
        assert response["model_name"] == "add_sub"
        assert response["model_version"] == "1"
        assert response["id"] == "7"


def test_add_sub_example_client_passes(server):
    completed = subprocess.run([CLIENT_PYTHON, str(EXAMPLES / "add_sub" / "client.py"),
                                "--url", server.url], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "PASS: add_sub" in completed.stdout


def test_only_requested_outputs_are_returned(client):
    a = np.ones(4, dtype=np.float32)
    inputs = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(a)
    result = client.infer("add_sub", inputs, outputs=[httpclient.InferRequestedOutput("OUTPUT1")])
    names = [output["name"] for output in result.get_response()["outputs"]]
    assert names == ["OUTPUT1"]
    # No outputs requested: every output of the config.
    result = client.infer("add_sub", inputs)
    assert sorted(o["name"] for o in result.get_response()["outputs"]) == ["OUTPUT0", "OUTPUT1"]


def test_model_metadata_and_config(client):
    metadata = client.get_model_metadata("add_sub")
    assert metadata["platform"] == "python"
    assert metadata["versions"] == ["1"]
    assert metadata["inputs"][0] == {"name": "INPUT0", "datatype": "FP32", "shape": [4]}
    batched = client.get_model_metadata("batched_scale")
    assert batched["inputs"][0]["shape"] == [-1, 3]
    config = client.get_model_config("add_sub")
    assert config["name"] == "add_sub"
    assert config["backend"] == "python"
    assert config["input"][1]["data_type"] == "TYPE_FP32"
    assert config["instance_group"][0]["kind"] == "KIND_CPU"
    assert config["default_model_filename"] == "model.py"
    assert config["version_policy"] == {"latest": {"num_versions": 1}}


def test_version_routes(client, server):
    assert client.is_model_ready("add_sub", "1")
    assert not client.is_model_ready("add_sub", "2")
    assert client.get_model_metadata("add_sub", "1")["versions"] == ["1"]
    reply = requests.get("http://%s/v2/models/add_sub/versions/3" % server.url)
    assert reply.status_code == 404
    assert reply.json() == {"error": "Request for unknown model: 'add_sub' version 3 is not found"}


def test_bytes_model_binary_and_json(client):
    text = np.array([b"hello", b"", "w\u00f6rld".encode()], dtype=np.object_)
    for binary in (True, False):
        inp = httpclient.InferInput("TEXT", [3], "BYTES")
        inp.set_data_from_numpy(text, binary_data=binary)
        outputs = [httpclient.InferRequestedOutput("UPPER", binary_data=binary),
                   httpclient.InferRequestedOutput("LENGTHS", binary_data=binary)]
        result = client.infer("bytes_echo", [inp], outputs=outputs)
        # The client hands JSON strings back as str and binary elements as bytes.
        upper = [item if isinstance(item, bytes) else item.encode() for item in result.as_numpy("UPPER")]
        assert upper == [b"HELLO", b"", "W\u00f6RLD".encode()]
        assert list(result.as_numpy("LENGTHS")) == [5, 0, 6]


def test_optional_input_may_be_absent(client):
    a = httpclient.InferInput("A", [1], "FP32")
    a.set_data_from_numpy(np.array([1.5], dtype=np.float32))
    result = client.infer("optional_input", [a])
    assert result.as_numpy("SUM").tolist() == [1.5]
    assert result.as_numpy("HAS_B").tolist() == [False]
    b = httpclient.InferInput("B", [1], "FP32")
    b.set_data_from_numpy(np.array([2.0], dtype=np.float32))
    result = client.infer("optional_input", [a, b])
    assert result.as_numpy("SUM").tolist() == [3.5]
    assert result.as_numpy("HAS_B").tolist() == [True]


def test_batched_model(client):
    x = np.arange(9, dtype=np.float32).reshape(3, 3)
    inp = httpclient.InferInput("X", [3, 3], "FP32")
    inp.set_data_from_numpy(x)
    np.testing.assert_array_equal(client.infer("batched_scale", [inp]).as_numpy("Y"), x * 2)
    too_big = httpclient.InferInput("X", [9, 3], "FP32")
    too_big.set_data_from_numpy(np.zeros((9, 3), dtype=np.float32))
    with pytest.raises(InferenceServerException) as error:
        client.infer("batched_scale", [too_big])
    assert error.value.status() == "400"
    assert "batch-size must be <= 8" in error.value.message()


def test_auto_complete_model_without_config(client):
    config = client.get_model_config("auto_complete_only")
    assert config["max_batch_size"] == 4
    assert config["input"][0]["name"] == "IN" and config["input"][0]["dims"] == [2]
    assert config["output"][0]["data_type"] == "TYPE_INT32"
    inp = httpclient.InferInput("IN", [1, 2], "INT32")
    inp.set_data_from_numpy(np.array([[1, 2]], dtype=np.int32))
    assert client.infer("auto_complete_only", [inp]).as_numpy("OUT").tolist() == [[10, 20]]


def infer_x(client, model, value):
    inp = httpclient.InferInput("X", [1], "INT32")
    inp.set_data_from_numpy(np.array([value], dtype=np.int32))
    return client.infer(model, [inp])


def test_execute_that_raises_answers_an_error_and_keeps_serving(client):
    with pytest.raises(InferenceServerException) as error:
        infer_x(client, "execute_raises", -3)
    assert error.value.status() == "500"
    assert error.value.message().startswith(
        "Failed to process the request(s) for model 'execute_raises_0', message: ValueError: negative input -3")
    with pytest.raises(InferenceServerException) as error:
        infer_x(client, "execute_raises", 0)
    assert error.value.status() == "400"
    assert error.value.message() == "zero is not a valid input"
    assert infer_x(client, "execute_raises", 5).as_numpy("Y").tolist() == [5]
    assert_add_sub_works(client)


def test_initialize_that_raises_leaves_the_model_unavailable(server, client):
    assert "weights file is missing for init_raises" in server.output
    assert not client.is_model_ready("init_raises")
    with pytest.raises(InferenceServerException) as error:
        infer_x(client, "init_raises", 1)
    assert error.value.status() == "404"
    assert "has no available versions" in error.value.message()


def test_a_model_file_that_does_not_compile_fails_its_load_with_the_python_error(server, client):
    assert "SyntaxError" in server.output and "syntax_error" in server.output
    assert not client.is_model_ready("syntax_error")
    # The other models are unaffected.
    assert_add_sub_works(client)


def test_initialize_receives_the_seven_args(client, server):
    inp = httpclient.InferInput("IN", [1], "INT32")
    inp.set_data_from_numpy(np.array([1], dtype=np.int32))
    seen = json.loads(client.infer("init_args", [inp]).as_numpy("ARGS")[0])
    args = seen["args"]
    assert sorted(args) == sorted(["model_config", "model_instance_kind", "model_instance_name",
                                   "model_instance_device_id", "model_repository", "model_version", "model_name"])
    assert args["model_name"] == "init_args"
    assert args["model_version"] == "1"
    assert args["model_instance_kind"] == "CPU"
    assert args["model_instance_device_id"] == "0"
    # An unnamed group is "<model>_<group index>"; instances append their index: Triton's init_args_0_0.
    assert args["model_instance_name"] in ("init_args_0_0", "init_args_0_1")
    assert args["model_repository"].endswith("/init_args")
    assert json.loads(args["model_config"])["instance_group"][0]["count"] == 2
    assert seen["argv"] == [""]
    assert seen["model_dir"].endswith("/init_args/1")
    assert seen["import_time_model_dir"] == seen["model_dir"]


# --- Bad input: each answered with Triton's status and a JSON error; the next good request still works. ---

def post_infer(server, model, body, headers=None):
    return requests.post("http://%s/v2/models/%s/infer" % (server.url, model), data=body, headers=headers or {})


def add_sub_json(**overrides):
    request = {"inputs": [
        {"name": "INPUT0", "datatype": "FP32", "shape": [4], "data": [1, 2, 3, 4]},
        {"name": "INPUT1", "datatype": "FP32", "shape": [4], "data": [1, 1, 1, 1]},
    ]}
    request.update(overrides)
    return json.dumps(request)


BAD_REQUESTS = {
    # Triton reports JSON syntax and data-shape problems as INTERNAL (500); we answer the same.
    "malformed json": ("add_sub", '{"inputs": [', {}, 500, None),
    "unknown model": ("no_such_model", add_sub_json(), {}, 404,
                      "Request for unknown model: 'no_such_model' is not found"),
    "wrong datatype": ("add_sub", add_sub_json(inputs=[
        {"name": "INPUT0", "datatype": "INT32", "shape": [4], "data": [1, 2, 3, 4]},
        {"name": "INPUT1", "datatype": "FP32", "shape": [4], "data": [1, 1, 1, 1]}]), {}, 400, "data-type is 'INT32'"),
    "wrong shape": ("add_sub", add_sub_json(inputs=[
        {"name": "INPUT0", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]},
        {"name": "INPUT1", "datatype": "FP32", "shape": [4], "data": [1, 1, 1, 1]}]), {}, 400, "unexpected shape"),
    "missing input": ("add_sub", add_sub_json(inputs=[
        {"name": "INPUT0", "datatype": "FP32", "shape": [4], "data": [1, 2, 3, 4]}]), {}, 400, "INPUT1"),
    "data count not matching shape": ("add_sub", add_sub_json(inputs=[
        {"name": "INPUT0", "datatype": "FP32", "shape": [4], "data": [1, 2, 3]},
        {"name": "INPUT1", "datatype": "FP32", "shape": [4], "data": [1, 1, 1, 1]}]), {}, 500, "shape"),
    "header length larger than body": ("add_sub", add_sub_json(), {"Inference-Header-Content-Length": "100000"},
                                       400, "inference header size should be in range"),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_bad_input_gets_a_triton_error_and_the_server_keeps_serving(server, client, case):
    model, body, headers, status, text = BAD_REQUESTS[case]
    reply = post_infer(server, model, body, headers)
    assert reply.status_code != 200
    assert reply.status_code == status, reply.text
    error = reply.json()
    assert list(error) == ["error"] and error["error"]
    if text is not None:
        assert text in error["error"]
    assert_add_sub_works(client)


def test_gpu_instance_groups_run_on_the_cpu_with_a_warning(client, server):
    assert client.is_model_ready("gpu_kind")
    assert "gpu_kind" in server.output and "runs it on the CPU" in server.output
    inp = httpclient.InferInput("IN", [1], "INT32")
    inp.set_data_from_numpy(np.array([1], dtype=np.int32))
    seen = json.loads(client.infer("gpu_kind", [inp]).as_numpy("ARGS")[0])
    assert seen["args"]["model_instance_kind"] == "CPU"
    assert json.loads(seen["args"]["model_config"])["instance_group"][0]["kind"] == "KIND_GPU"
