"""The bad-input matrix: every bad request gets its status and a JSON error in Triton's form, no error body
reveals the server (paths, Java classes, parser internals), and the next good request still works.

HTTP cases go through raw `requests` (tritonclient cannot send most of them) and raw sockets; gRPC cases through
the protocol's generated stub. Value cases (integers out of range, 1e400, ragged arrays, NaN/Infinity and
non-UTF-8 outputs) and the model-output checks against config.pbtxt are here too.
"""

import json
import re
import socket
import time

import grpc
import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository

MAX_INPUT = 1 << 20  # a small --http-max-input-size, so oversized bodies stay cheap


@pytest.fixture(scope="module")
def server():
    repository = make_repository(EXAMPLES / "add_sub", TEST_MODELS / "typed_echo", TEST_MODELS / "bad_outputs",
                                 TEST_MODELS / "execute_raises", TEST_MODELS / "bytes_echo")
    with JepServe([repository], ["--http-max-input-size", str(MAX_INPUT)]) as running:
        running.repository = repository
        yield running


@pytest.fixture(scope="module")
def stub(server):
    with grpc.insecure_channel(server.grpc_url) as channel:
        yield service_pb2_grpc.GRPCInferenceServiceStub(channel)


def assert_http_still_serves(server):
    with httpclient.InferenceServerClient(server.url) as client:
        a = np.array([1, 2, 3, 4], dtype=np.float32)
        inputs = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
        inputs[0].set_data_from_numpy(a)
        inputs[1].set_data_from_numpy(a)
        np.testing.assert_allclose(client.infer("add_sub", inputs).as_numpy("OUTPUT0"), a + a)


def assert_grpc_still_serves(server):
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        a = np.array([1, 2, 3, 4], dtype=np.float32)
        inputs = [grpcclient.InferInput("INPUT0", [4], "FP32"), grpcclient.InferInput("INPUT1", [4], "FP32")]
        inputs[0].set_data_from_numpy(a)
        inputs[1].set_data_from_numpy(a)
        np.testing.assert_allclose(client.infer("add_sub", inputs).as_numpy("OUTPUT1"), a - a)


def assert_reveals_nothing(server, text):
    """No server path, Java class or parser internal in an error text."""
    assert str(server.repository) not in text
    assert not re.search(r"(^|[\s'\"(])/(tmp|work|home|usr|opt|root)/", text), text
    for internal in ("java.", "jackson", "Jackson", "com.fasterxml", "io.netty", "Exception:", "dev.jepserve",
                     "[Source", "FAIL_ON_"):
        assert internal not in text, text


def typed(name, datatype, shape, data):
    return {"name": name, "datatype": datatype, "shape": shape, "data": data}


def infer_json(*inputs, **extra):
    body = {"inputs": list(inputs)}
    body.update(extra)
    return json.dumps(body)


GOOD_ADD_SUB = infer_json(typed("INPUT0", "FP32", [4], [1, 2, 3, 4]), typed("INPUT1", "FP32", [4], [1, 1, 1, 1]))
ADD_SUB = "/v2/models/add_sub/infer"
TYPED = "/v2/models/typed_echo/infer"


def case(path, body, status, text=None, headers=None, method="POST"):
    return {"path": path, "body": body, "status": status, "text": text, "headers": headers or {}, "method": method}


def one(name, datatype, shape, data, status, text=None):
    return case(TYPED, infer_json(typed(name, datatype, shape, data)), status, text)


HTTP_CASES = {
    # JSON syntax (Triton: INTERNAL, 500, with rapidjson's reason and offset)
    "empty body": case(ADD_SUB, b"", 400, "Raw request must only have 1 input"),
    "truncated object": case(ADD_SUB, b'{"inputs": [', 500, "failed to parse the request JSON buffer"),
    "missing colon": case(ADD_SUB, b'{"inputs" []}', 500, "Missing a colon after a name of object member."),
    "unquoted name": case(ADD_SUB, b"{inputs: []}", 500, "Missing a name for object member."),
    "missing comma in array": case(ADD_SUB, b'{"inputs": [{} {}]}', 500, "Missing a comma or ']'"),
    "wrong closing bracket": case(ADD_SUB, b'{"inputs": []]', 500, "failed to parse the request JSON buffer"),
    "trailing value": case(ADD_SUB, GOOD_ADD_SUB + " 1", 500, "must not be followed by other values"),
    "bad escape": case(ADD_SUB, b'{"id": "a\\q", "inputs": []}', 500, "Invalid escape character in string."),
    "invalid utf-8 in string": case(ADD_SUB, b'{"id": "\xff\xfe", "inputs": []}', 500,
                                    "Invalid encoding in string."),
    "control char in string": case(ADD_SUB, b'{"id": "a\x01b", "inputs": []}', 500, "Invalid encoding in string."),
    "bad literal": case(ADD_SUB, b'{"id": tru, "inputs": []}', 500, "Invalid value."),
    "deep nesting": case(TYPED, infer_json(typed("INT32", "INT32", [1], [0])).replace("[0]", "[" * 5000 + "0"
                                                                                     + "]" * 5000), 500,
                         "failed to parse the request JSON buffer"),
    "not an object": case(ADD_SUB, b"[1, 2]", 500, "Unable to parse 'inputs'"),
    # request structure
    "inputs not an array": case(ADD_SUB, infer_json().replace("[]", "{}"), 500, "Unable to parse 'inputs'"),
    "input without name": case(TYPED, json.dumps({"inputs": [{"datatype": "INT32", "shape": [1], "data": [1]}]}),
                               500, "Unable to parse 'name'"),
    "input without datatype": case(TYPED, json.dumps({"inputs": [{"name": "INT32", "shape": [1], "data": [1]}]}),
                                   500, "Unable to parse 'datatype'"),
    "input without shape": case(TYPED, json.dumps({"inputs": [{"name": "INT32", "datatype": "INT32",
                                                               "data": [1]}]}), 500, "Unable to parse 'shape'"),
    "negative dim": one("INT32", "INT32", [-1], [1], 500, "Unable to parse 'shape'"),
    "fractional dim": one("INT32", "INT32", [1.5], [1], 500, "Unable to parse 'shape'"),
    "unknown datatype": one("INT32", "INT33", [1], [1], 400, "invalid datatype for input INT32"),
    "duplicate input": case(TYPED, infer_json(typed("INT32", "INT32", [1], [1]), typed("INT32", "INT32", [1], [1])),
                            400, "input 'INT32' already exists in request"),
    "no data": case(TYPED, json.dumps({"inputs": [{"name": "INT32", "datatype": "INT32", "shape": [1]}]}), 400,
                    "no field is set"),
    "data not an array": one("INT32", "INT32", [1], 5, 500, "Unable to parse 'data'"),
    "data and binary size": case(TYPED, json.dumps({"inputs": [dict(typed("INT32", "INT32", [1], [1]),
                                                                    parameters={"binary_data_size": 4})]}), 400,
                                 "Input must set only one of the following fields"),
    "shared memory input": case(TYPED, json.dumps({"inputs": [{"name": "INT32", "datatype": "INT32", "shape": [1],
                                                               "parameters": {"shared_memory_region": "r"}}]}),
                                400, "shared memory is not supported"),
    "unknown input": one("NOPE", "INT32", [1], [1], 400, "unexpected inference input 'NOPE'"),
    "missing required input": case(ADD_SUB, infer_json(typed("INPUT0", "FP32", [4], [1, 2, 3, 4])), 400,
                                   "INPUT1"),
    "datatype not the configured one": one("INT32", "INT64", [1], [1], 400, "data-type is 'INT64'"),
    "shape not the configured one": one("GRID", "INT32", [4], [1, 2, 3, 4], 400, "unexpected shape"),
    "too few elements": one("INT32", "INT32", [3], [1, 2], 500, "Shape does not match true shape"),
    "too many elements": one("INT32", "INT32", [1], [1, 2], 500, "Shape does not match true shape"),
    "string for INT32": one("INT32", "INT32", [1], ["1"], 500, "non-signed-integer"),
    "float for INT32": one("INT32", "INT32", [1], [1.5], 500, "non-signed-integer"),
    "bool for INT32": one("INT32", "INT32", [1], [True], 500, "non-signed-integer"),
    "null for FP32": one("FP32", "FP32", [1], [None], 500, "non-number"),
    "object for FP32": one("FP32", "FP32", [1], [{}], 500, "non-number"),
    "number for BOOL": one("BOOL", "BOOL", [1], [1], 500, "non-boolean"),
    "number for BYTES": one("BYTES", "BYTES", [1], [1], 500, "non-string"),
    "negative for UINT8": one("UINT8", "UINT8", [1], [-1], 500, "non-unsigned-integer"),
    "FP16 as JSON": one("FP16", "FP16", [1], [1.0], 400, "receiving FP16 data via JSON is not supported"),
    # values exact or refused (Triton wraps or narrows these silently)
    "INT8 128": one("INT8", "INT8", [1], [128], 400, "value 128 is out of range for INT8"),
    "INT8 -129": one("INT8", "INT8", [1], [-129], 400, "value -129 is out of range for INT8"),
    "UINT8 256": one("UINT8", "UINT8", [1], [256], 400, "value 256 is out of range for UINT8"),
    "INT16 32768": one("INT16", "INT16", [1], [32768], 400, "out of range for INT16"),
    "UINT16 65536": one("UINT16", "UINT16", [1], [65536], 400, "out of range for UINT16"),
    "INT32 2147483648": one("INT32", "INT32", [1], [2147483648], 400, "value 2147483648 is out of range for INT32"),
    "INT32 -2147483649": one("INT32", "INT32", [1], [-2147483649], 400, "out of range for INT32"),
    "UINT32 4294967296": one("UINT32", "UINT32", [1], [4294967296], 400, "out of range for UINT32"),
    "INT64 2^63": one("INT64", "INT64", [1], [9223372036854775808], 500, "non-signed-integer"),
    "UINT64 2^64": one("UINT64", "UINT64", [1], [18446744073709551616], 500, "non-unsigned-integer"),
    "FP64 1e400": case(TYPED, infer_json(typed("FP64", "FP64", [1], [0])).replace("[0]", "[1e400]"), 400,
                       "Number too big to be stored in double."),
    "FP64 -1e400": case(TYPED, infer_json(typed("FP64", "FP64", [1], [0])).replace("[0]", "[-1e400]"), 400,
                        "Number too big to be stored in double."),
    "FP32 1e39": case(TYPED, infer_json(typed("FP32", "FP32", [1], [0])).replace("[0]", "[1e39]"), 400,
                      "out of range for FP32"),
    "huge integer for FP64": case(TYPED, infer_json(typed("FP64", "FP64", [1], [0])).replace("[0]", "[1" + "0" * 400
                                                                                             + "]"), 400,
                                  "Number too big to be stored in double."),
    "ragged rows": one("INT32", "INT32", [4], [[1, 2], [3], [4]], 400, "ragged"),
    "ragged grid": one("GRID", "INT32", [2, 2], [[1, 2, 3], [4]], 400, "ragged"),
    "mixed depths": one("INT32", "INT32", [3], [1, [2, 3]], 400, "ragged"),
    "ragged strings": one("BYTES", "BYTES", [3], [["a"], ["b", "c"]], 400, "ragged"),
    # binary extension
    "header length not a number": case(ADD_SUB, GOOD_ADD_SUB, 400, "Unable to parse Inference-Header-Content-Length",
                                       {"Inference-Header-Content-Length": "abc"}),
    "header length past the body": case(ADD_SUB, GOOD_ADD_SUB, 400, "inference header size should be in range",
                                        {"Inference-Header-Content-Length": "100000"}),
    "binary size past the body": case(TYPED, json.dumps({"inputs": [{"name": "INT32", "datatype": "INT32",
                                                                     "shape": [1],
                                                                     "parameters": {"binary_data_size": 4}}]}),
                                      400, "unexpected size for input 'INT32'"),
    "bytes left over": case(TYPED, None, 400, "unexpected additional input data"),
    # parameters and outputs
    "id not a string": case(ADD_SUB, GOOD_ADD_SUB.replace('{"inputs"', '{"id": 5, "inputs"'), 500,
                            "Unable to parse 'id'"),
    "outputs not an array": case(ADD_SUB, GOOD_ADD_SUB[:-1] + ', "outputs": {}}', 500, "Unable to parse 'outputs'"),
    "output without name": case(ADD_SUB, GOOD_ADD_SUB[:-1] + ', "outputs": [{}]}', 500, "Unable to parse 'name'"),
    "unknown output": case(ADD_SUB, GOOD_ADD_SUB[:-1] + ', "outputs": [{"name": "NOPE"}]}', 400, "NOPE"),
    "binary_data not a bool": case(ADD_SUB, GOOD_ADD_SUB[:-1] + ', "outputs": [{"name": "OUTPUT0", '
                                                                '"parameters": {"binary_data": 1}}]}', 500,
                                   "Unable to parse 'binary_data'"),
    "classification not a number": case(ADD_SUB, GOOD_ADD_SUB[:-1] + ', "outputs": [{"name": "OUTPUT0", '
                                                                     '"parameters": {"classification": "x"}}]}',
                                        500, "Unable to set 'classification'"),
    # addressing and transport
    "unknown model": case("/v2/models/no_such_model/infer", GOOD_ADD_SUB, 404,
                          "Request for unknown model: 'no_such_model' is not found"),
    "unknown version": case("/v2/models/add_sub/versions/7/infer", GOOD_ADD_SUB, 404, "add_sub"),
    "version not a number": case("/v2/models/add_sub/versions/x/infer", GOOD_ADD_SUB, 404, "Not Found"),
    "path traversal": case("/v2/models/..%2F..%2Fetc/infer", GOOD_ADD_SUB, 404, None),
    "unknown route": case("/v2/nothing/here", b"", 404, None, method="GET"),
    "wrong method": case(ADD_SUB, b"", 405, None, method="GET"),
    "unknown content encoding": case(ADD_SUB, GOOD_ADD_SUB, 501, "Unsupported compression type",
                                     {"Content-Encoding": "br"}),
    "bad gzip": case(ADD_SUB, b"not gzip at all", 400, None, {"Content-Encoding": "gzip"}),
    "body over the limit": case(ADD_SUB, b" " * (MAX_INPUT + 1), 400, "exceeds the maximum allowed value"),
    "logging: bad json": case("/v2/logging", b"{", 500, "failed to parse the request JSON buffer"),
    "logging: wrong type": case("/v2/logging", json.dumps({"log_info": "yes"}), 500, "non-boolean as boolean"),
    "generate: bad json": case("/v2/models/add_sub/generate", b'{"INPUT0": [1,', 500,
                               "failed to parse the request JSON buffer"),
}


def send(server, spec):
    url = "http://%s%s" % (server.url, spec["path"])
    body = spec["body"]
    headers = dict(spec["headers"])
    if body is None:  # one INT32 by binary extension, plus four stray bytes
        header = json.dumps({"inputs": [{"name": "INT32", "datatype": "INT32", "shape": [1],
                                         "parameters": {"binary_data_size": 4}}]}).encode()
        body = header + np.array([1], dtype=np.int32).tobytes() + b"\0\0\0\0"
        headers["Inference-Header-Content-Length"] = str(len(header))
    return requests.request(spec["method"], url, data=body, headers=headers, timeout=60)


def test_there_are_at_least_sixty_http_cases():
    assert len(HTTP_CASES) >= 60


@pytest.mark.parametrize("name", list(HTTP_CASES))
def test_bad_http_input_gets_its_status_and_a_json_error(server, name):
    spec = HTTP_CASES[name]
    reply = send(server, spec)
    assert reply.status_code == spec["status"], reply.text
    error = reply.json()
    assert list(error) == ["error"] and isinstance(error["error"], str) and error["error"]
    if spec["text"] is not None:
        assert spec["text"] in error["error"]
    assert_reveals_nothing(server, error["error"])
    assert_http_still_serves(server)


# --- raw HTTP a client library cannot send ---------------------------------------------------------------

def raw_exchange(server, data, read_timeout=10):
    host, port = server.url.split(":")
    with socket.create_connection((host, int(port)), timeout=read_timeout) as sock:
        sock.sendall(data)
        received = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return received


RAW_CASES = {
    "garbage request line": (b"HELLO\r\n\r\n", b"400"),
    "request line too long": (b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 4"),
    "header too long": (b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 10000 + b"\r\n\r\n", b"HTTP/1.1 4"),
    "oversized chunked body": (b"POST " + ADD_SUB.encode() + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                               + b"".join(b"%x\r\n%s\r\n" % (65536, b" " * 65536) for _ in range(20)) + b"0\r\n\r\n",
                               b"exceeds the maximum allowed value"),
    "bad chunk size": (b"POST " + ADD_SUB.encode() + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"zz\r\nabc\r\n0\r\n\r\n", b"HTTP/1.1 400"),
}


@pytest.mark.parametrize("name", list(RAW_CASES))
def test_malformed_http_is_refused_without_a_stack_trace(server, name):
    data, expected = RAW_CASES[name]
    before = len(server.output)
    reply = raw_exchange(server, data)
    assert expected in reply, reply[:500]
    assert_http_still_serves(server)
    logged = server.output[before:]
    assert "\tat " not in logged and "Exception" not in logged, logged


# --- outputs: JSON never carries NaN/Infinity or invalid UTF-8; outputs match config.pbtxt -----------------

def bad_outputs_body(mode, binary=False):
    # "missing" names OUT alone: outputs are only required when the client named them (naming all of them, in
    # config order, is what a client that names none gets, and a model may leave some out then).
    names = ["OUT"] if mode == "missing" else ["OUT", "TXT"]
    return json.dumps({"inputs": [typed("MODE", "BYTES", [1], [mode])],
                       "outputs": [{"name": name, "parameters": {"binary_data": binary}} for name in names]})


@pytest.mark.parametrize("mode,text", [("nan", "NaN or Infinity"), ("latin1", "not valid UTF-8")])
def test_values_json_cannot_carry_are_refused_for_a_json_client(server, mode, text):
    reply = requests.post("http://%s/v2/models/bad_outputs/infer" % server.url, data=bad_outputs_body(mode))
    assert reply.status_code == 400, reply.text
    assert text in reply.json()["error"]
    assert "NaN" not in reply.text.replace("NaN or", "") and "Infinity" not in reply.text.replace("or Infinity", "")
    assert_http_still_serves(server)


@pytest.mark.parametrize("mode", ["nan", "latin1"])
def test_values_json_cannot_carry_go_as_binary_to_a_binary_client(server, mode):
    with httpclient.InferenceServerClient(server.url) as client:
        inp = httpclient.InferInput("MODE", [1], "BYTES")
        inp.set_data_from_numpy(np.array([mode.encode()], dtype=np.object_), binary_data=True)
        outputs = [httpclient.InferRequestedOutput("OUT", binary_data=False),
                   httpclient.InferRequestedOutput("TXT", binary_data=False)]
        result = client.infer("bad_outputs", [inp], outputs=outputs)
        if mode == "nan":
            out = result.as_numpy("OUT")
            assert np.isnan(out[0]) and np.isinf(out[1])
        else:
            assert result.as_numpy("TXT")[0] == b"caf\xe9"


def test_ordinary_json_outputs_stay_json(server):
    reply = requests.post("http://%s/v2/models/bad_outputs/infer" % server.url, data=bad_outputs_body("ok"))
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    assert [o["data"] for o in reply.json()["outputs"]] == [[1.0, 2.0], ["ok"]]


OUTPUT_CASES = {
    "unknown": (400, "unexpected inference output 'EXTRA' for model 'bad_outputs'"),
    "dtype": (500, "unexpected datatype FP64 for inference output 'OUT' of model 'bad_outputs', expecting FP32"),
    "shape": (500, "unexpected shape for output 'OUT' of model 'bad_outputs'. Expected [2], got [3]"),
    "duplicate": (500, "output 'OUT' appears more than once in a response of model 'bad_outputs'"),
    "missing": (500, "model 'bad_outputs' returned no output 'OUT', which the request asked for"),
}


@pytest.mark.parametrize("mode", list(OUTPUT_CASES))
def test_outputs_that_break_the_config_fail_the_request_over_http(server, mode):
    status, text = OUTPUT_CASES[mode]
    reply = requests.post("http://%s/v2/models/bad_outputs/infer" % server.url, data=bad_outputs_body(mode, True))
    assert reply.status_code == status, reply.text
    assert reply.json() == {"error": text}
    assert_http_still_serves(server)


GRPC_CODES = {400: grpc.StatusCode.INVALID_ARGUMENT, 500: grpc.StatusCode.INTERNAL}


@pytest.mark.parametrize("mode", list(OUTPUT_CASES))
def test_outputs_that_break_the_config_fail_the_request_over_grpc(server, stub, mode):
    status, text = OUTPUT_CASES[mode]
    request = service_pb2.ModelInferRequest(model_name="bad_outputs")
    request.inputs.add(name="MODE", datatype="BYTES", shape=[1]).contents.bytes_contents.append(mode.encode())
    if mode == "missing":
        request.outputs.add(name="OUT")
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(request)
    assert error.value.code() == GRPC_CODES[status]
    assert error.value.details() == text
    assert_grpc_still_serves(server)


# --- errors reveal nothing of the server -------------------------------------------------------------------

def test_a_model_traceback_shows_paths_relative_to_the_model_directory(server):
    reply = requests.post("http://%s/v2/models/execute_raises/infer" % server.url,
                          data=infer_json(typed("X", "INT32", [1], [-1])))
    assert reply.status_code == 500
    error = reply.json()["error"]
    assert "ValueError: negative input -1 is not allowed" in error
    assert "  1/model.py(" in error, error
    assert_reveals_nothing(server, error)


def test_no_error_body_names_a_server_path_or_java_internals(server, stub):
    texts = []
    for spec in HTTP_CASES.values():
        texts.append(send(server, spec).json()["error"])
    for mode in OUTPUT_CASES:
        texts.append(requests.post("http://%s/v2/models/bad_outputs/infer" % server.url,
                                   data=bad_outputs_body(mode, True)).json()["error"])
    for text in texts:
        assert_reveals_nothing(server, text)


# --- gRPC ---------------------------------------------------------------------------------------------------

def grpc_request(model="typed_echo", **tensors):
    request = service_pb2.ModelInferRequest(model_name=model)
    for name, (datatype, shape, field, values) in tensors.items():
        tensor = request.inputs.add(name=name, datatype=datatype, shape=shape)
        getattr(tensor.contents, field).extend(values)
    return request


def raw_request(model, name, datatype, shape, raw):
    request = service_pb2.ModelInferRequest(model_name=model)
    request.inputs.add(name=name, datatype=datatype, shape=shape)
    request.raw_input_contents.append(raw)
    return request


GRPC_CASES = {
    "unknown model": (grpc_request("no_such_model"), grpc.StatusCode.NOT_FOUND, "Request for unknown model"),
    "INT8 128 in int_contents": (grpc_request(INT8=("INT8", [1], "int_contents", [128])),
                                 grpc.StatusCode.INVALID_ARGUMENT, "out of range for INT8"),
    "INT16 -32769 in int_contents": (grpc_request(INT16=("INT16", [1], "int_contents", [-32769])),
                                     grpc.StatusCode.INVALID_ARGUMENT, "out of range for INT16"),
    "UINT8 256 in uint_contents": (grpc_request(UINT8=("UINT8", [1], "uint_contents", [256])),
                                   grpc.StatusCode.INVALID_ARGUMENT, "out of range for UINT8"),
    "UINT16 65536 in uint_contents": (grpc_request(UINT16=("UINT16", [1], "uint_contents", [65536])),
                                      grpc.StatusCode.INVALID_ARGUMENT, "out of range for UINT16"),
    "contents of another type": (grpc_request(INT32=("INT32", [1], "fp32_contents", [1.0])),
                                 grpc.StatusCode.INVALID_ARGUMENT, "unexpected explicit tensor data"),
    "unknown datatype": (grpc_request(INT32=("INT33", [1], "int_contents", [1])),
                         grpc.StatusCode.INVALID_ARGUMENT, None),
    "too few elements": (grpc_request(INT32=("INT32", [3], "int_contents", [1])),
                         grpc.StatusCode.INVALID_ARGUMENT, None),
    "unknown input": (grpc_request(NOPE=("INT32", [1], "int_contents", [1])),
                      grpc.StatusCode.INVALID_ARGUMENT, "unexpected inference input 'NOPE'"),
    "wrong datatype": (grpc_request(INT32=("INT64", [1], "int64_contents", [1])),
                       grpc.StatusCode.INVALID_ARGUMENT, "data-type is 'INT64'"),
    "wrong shape": (grpc_request(GRID=("INT32", [4], "int_contents", [1, 2, 3, 4])),
                    grpc.StatusCode.INVALID_ARGUMENT, "unexpected shape"),
    "raw size not matching shape": (raw_request("typed_echo", "INT32", "INT32", [2], b"\0\0\0\0"),
                                    grpc.StatusCode.INVALID_ARGUMENT, None),
    "malformed raw BYTES": (raw_request("typed_echo", "BYTES", "BYTES", [1], b"\xff\xff\xff\x7fab"),
                            grpc.StatusCode.INVALID_ARGUMENT, None),
    "missing required input": (grpc_request("add_sub", INPUT0=("FP32", [4], "fp32_contents", [1, 2, 3, 4])),
                               grpc.StatusCode.INVALID_ARGUMENT, "INPUT1"),
}


@pytest.mark.parametrize("name", list(GRPC_CASES))
def test_bad_grpc_input_gets_its_code_and_the_server_keeps_serving(server, stub, name):
    request, code, text = GRPC_CASES[name]
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(request)
    assert error.value.code() == code, error.value.details()
    if text is not None:
        assert text in error.value.details()
    assert_reveals_nothing(server, error.value.details())
    assert_grpc_still_serves(server)


def test_good_values_arrive_exactly(server):
    reply = requests.post("http://%s%s" % (server.url, TYPED), data=infer_json(
        typed("INT8", "INT8", [2], [-128, 127]), typed("UINT32", "UINT32", [1], [4294967295]),
        typed("INT32", "INT32", [2], [-2147483648, 2147483647]), typed("GRID", "INT32", [2, 2], [[1, 2], [3, 4]])))
    assert reply.status_code == 200, reply.text
    outputs = {o["name"]: o["data"] for o in reply.json()["outputs"]}
    assert outputs["COUNT"] == [4]
    assert outputs["SUM"] == [-1 + 4294967295 - 1 + 10]


def test_a_client_error_is_one_exception_in_tritonclient(server):
    with httpclient.InferenceServerClient(server.url) as client:
        inp = httpclient.InferInput("INT8", [1], "INT8")
        inp.set_data_from_numpy(np.array([1], dtype=np.int8), binary_data=False)
        inp._data = [300]  # what a hand-built JSON client might send
        with pytest.raises(InferenceServerException) as error:
            client.infer("typed_echo", [inp])
        assert "out of range for INT8" in error.value.message()


# --- connections: cap and timeouts --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_server():
    repository = make_repository(EXAMPLES / "add_sub")
    with JepServe([repository], ["--http-max-connections", "8", "--http-idle-timeout-secs", "2",
                                 "--http-header-timeout-secs", "2", "--http-body-timeout-secs", "2"]) as running:
        yield running


def closed_within(sock, seconds):
    """Whether the server closes the connection within `seconds` (reads until EOF or reset)."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not sock.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def connect(server):
    host, port = server.url.split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def test_an_idle_connection_is_closed_by_the_idle_timeout(strict_server):
    with connect(strict_server) as idle:
        assert closed_within(idle, 15)
    assert_http_still_serves(strict_server)


def test_a_slowloris_header_is_closed_by_the_header_timeout(strict_server):
    with connect(strict_server) as slow:
        slow.sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        for _ in range(3):  # keeps sending a byte now and then, never finishing the headers
            try:
                slow.sendall(b"X")
            except OSError:
                break
            time.sleep(0.5)
        assert closed_within(slow, 15)
        assert time.monotonic() - start < 15
    assert_http_still_serves(strict_server)


def test_a_slow_body_is_closed_by_the_body_timeout(strict_server):
    with connect(strict_server) as slow:
        slow.sendall(b"POST /v2/models/add_sub/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        assert closed_within(slow, 15)
    assert_http_still_serves(strict_server)


def test_a_keep_alive_connection_serves_several_requests_before_it_idles_out(strict_server):
    with connect(strict_server) as sock:
        for _ in range(3):
            sock.sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b"200 OK" in sock.recv(4096)
            time.sleep(0.5)  # shorter than the idle timeout each time


def test_connections_beyond_the_cap_are_closed_and_the_server_recovers(strict_server):
    held = [connect(strict_server) for _ in range(8)]
    try:
        # Each held connection is served; a ninth one is closed at once.
        held[0].sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in held[0].recv(4096)
        with connect(strict_server) as extra:
            assert closed_within(extra, 10)
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 30
    while True:
        try:
            assert_http_still_serves(strict_server)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert "HTTP connection limit of 8 reached" in strict_server.output
