"""InferenceRequest, InferenceResponse, TritonError and friends: Triton's argument_validation rules."""

import asyncio
import json

import numpy as np
import pytest

import jepserve_context
import triton_python_backend_utils as pb_utils

INPUTS = [pb_utils.Tensor("INPUT0", np.asarray([1, 2], dtype=np.int32))]
OUTPUTS = ["my_output"]


def _bls(**overrides):
    args = dict(inputs=INPUTS, requested_output_names=OUTPUTS, model_name="my_model")
    args.update(overrides)
    return pb_utils.InferenceRequest(**args)


@pytest.fixture
def inside_model():
    previous = jepserve_context.set_current_instance(
        jepserve_context.InstanceContext("m_0_0", "m", "1", "/models/m/1"))
    yield
    jepserve_context.set_current_instance(previous)


# ----------------------------------------------------------------------------- InferenceRequest


@pytest.mark.parametrize("overrides", [
    dict(inputs=None), dict(model_name=None), dict(requested_output_names=None),
    dict(requested_output_names=[None]), dict(correlation_id=None), dict(request_id=None),
    dict(model_version=None), dict(flags=None), dict(timeout=None), dict(flags=-1), dict(flags=1.5),
    dict(inputs=[np.zeros(2)]), dict(requested_output_names="OUT"), dict(preferred_memory=None),
    dict(trace=None)])
def test_request_type_errors(overrides):
    with pytest.raises(TypeError):
        _bls(**overrides)


def test_request_missing_required_arguments():
    with pytest.raises(TypeError):
        pb_utils.InferenceRequest(inputs=INPUTS, requested_output_names=OUTPUTS)


def test_request_semantic_errors():
    with pytest.raises(pb_utils.TritonModelException, match="should not be empty"):
        _bls(inputs=[None])
    with pytest.raises(pb_utils.TritonModelException, match="Requested output name"):
        _bls(requested_output_names=[""])
    with pytest.raises(pb_utils.TritonModelException, match="Correlation ID must be integer or string"):
        _bls(correlation_id=1.5)


def test_request_correlation_id_int_or_str():
    assert _bls(correlation_id=5).correlation_id() == 5
    assert _bls(correlation_id="test_str_id-5").correlation_id() == "test_str_id-5"
    request = _bls()
    assert isinstance(request.correlation_id(), int) and request.correlation_id() == 0


def test_request_accepts_empty_lists_and_bytes_model_name():
    request = pb_utils.InferenceRequest(requested_output_names=[], inputs=[], model_name="m")
    assert request.inputs() == [] and request.requested_output_names() == set()
    _bls(model_name=b"from_a_bytes_tensor")


def test_request_accessors():
    memory = pb_utils.PreferredMemory(pb_utils.TRITONSERVER_MEMORY_CPU, 0)
    request = _bls(request_id="r1", flags=pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_START, timeout=5,
                   model_version=2, preferred_memory=memory, parameters={"k": "v", "n": 1, "b": True},
                   requested_output_names=("A", "B"))
    assert request.request_id() == "r1"
    assert request.flags() == 1
    request.set_flags(3)
    assert request.flags() == 3
    assert request.timeout() == 5
    assert request.inputs() == INPUTS and request.inputs() is not request.inputs()
    assert request.requested_output_names() == {"A", "B"}
    assert json.loads(request.parameters()) == {"k": "v", "n": 1, "b": True}
    assert request.trace().get_context() is None
    assert request.is_cancelled() is False
    with pytest.raises(TypeError):
        request.set_flags(None)


@pytest.mark.parametrize("parameters, message", [
    ([], ", got <class 'list'>"),
    ({1: "int key"}, "Expect parameters keys to have type str, found type <class 'int'>"),
    ({"int": 2, "float": 0.5}, "Expect parameters values to have type bool/int/str, found type <class 'float'>"),
    ({"bool": True, "null": None},
     "Expect parameters values to have type bool/int/str, found type <class 'NoneType'>"),
])
def test_parameter_rules_for_requests_and_responses(parameters, message):
    with pytest.raises(pb_utils.TritonModelException) as error:
        _bls(parameters=parameters)
    assert message in str(error.value)
    with pytest.raises(pb_utils.TritonModelException) as error:
        pb_utils.InferenceResponse([], parameters=parameters)
    assert message in str(error.value)


def test_incoming_request():
    tensor = pb_utils.Tensor("IN", np.zeros(1, dtype=np.float32))
    calls = []

    def cancelled():
        calls.append(1)
        return True

    request = pb_utils.InferenceRequest._incoming(
        "id-1", "seq-a", pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_END, 100, '{"p": 1}', [tensor], ["OUT"],
        cancelled)
    assert request.request_id() == "id-1"
    assert request.correlation_id() == "seq-a"
    assert request.flags() == 2
    assert request.timeout() == 100
    assert json.loads(request.parameters()) == {"p": 1}
    assert request.inputs() == [tensor]
    assert request.requested_output_names() == {"OUT"}
    assert request.is_cancelled() is True and calls == [1]
    assert request.trace().get_context() is None
    plain = pb_utils.InferenceRequest._incoming("", 0, 0, 0, "{}", [], [])
    assert plain.is_cancelled() is False
    assert plain.requested_output_names() == set()
    assert plain.parameters() == "{}"


def test_release_flags():
    request = pb_utils.InferenceRequest._incoming("", 0, 0, 0, "{}", [], [])
    assert request._release_flags == pb_utils.TRITONSERVER_REQUEST_RELEASE_ALL
    request.set_release_flags(pb_utils.TRITONSERVER_REQUEST_RELEASE_RESCHEDULE)
    assert request._release_flags == 2
    with pytest.raises(TypeError):
        request.set_release_flags(None)


def test_bls_outside_the_server():
    request = _bls()
    for call in (request.exec, request.async_exec):
        with pytest.raises(pb_utils.TritonModelException, match="only be made inside the server"):
            call()


def test_bls_in_initialize_or_finalize_is_refused(inside_model):
    # The instance is not serving yet (initialize) or any more (finalize): Triton's text.
    request = _bls()
    for call in (request.exec, request.async_exec, lambda: request.exec(decoupled=True)):
        with pytest.raises(pb_utils.TritonModelException,
                           match="BLS is only supported during the 'execute' function."):
            call()
    with pytest.raises(TypeError):
        request.exec(decoupled=None)


class _FakeBridge:
    """Answers every call with the given answers (JSON text plus output buffers), recording what it got."""

    def __init__(self, answers):
        self.answers = answers
        self.started = []
        self.cancelled = []

    def start(self, request_json, buffers, callers):
        self.started.append((json.loads(request_json), buffers, callers))
        self._pending = list(self.answers)
        return 7

    def next(self, handle):
        assert handle == 7
        return self._pending.pop(0)

    def call(self, request_json, buffers, callers):
        """A blocking exec(): start and the first answer in one call, the handle first (as PythonBls.call)."""
        return [self.start(request_json, buffers, callers)] + list(self.next(7))

    def cancel(self, handle):
        self.cancelled.append(handle)

    def close(self, handle):
        self.cancelled.append(("closed", handle))


@pytest.fixture
def serving_with(inside_model):
    import jepserve_bls

    jepserve_context.current_instance().serving = True

    def install(answers):
        bridge = _FakeBridge(answers)
        jepserve_bls.install(bridge)
        return bridge

    yield install
    jepserve_bls.install(None)


def _answer(final, outputs=(), error=None, parameters=None):
    message = {"final": final, "outputs": [{"name": n, "datatype": d, "shape": s} for n, d, s, _ in outputs],
               "parameters": parameters or {}, "error": error}
    return [json.dumps(message)] + [np.frombuffer(b, dtype=np.uint8) for _, _, _, b in outputs]


def test_bls_exec_sends_the_request_and_decodes_the_response(serving_with):
    data = np.array([1.5, 2.5], dtype=np.float32)
    bridge = serving_with([_answer(True, [("OUT", 11, [2], data.tobytes())], parameters={"k": 1})])
    request = pb_utils.InferenceRequest(model_name="m2", inputs=[pb_utils.Tensor("IN", data)],
                                        requested_output_names=["OUT"], request_id="r", correlation_id="c",
                                        model_version=3, flags=1, timeout=500, parameters={"p": True})
    response = request.exec()
    assert not response.has_error()
    assert pb_utils.get_output_tensor_by_name(response, "OUT").as_numpy().tolist() == [1.5, 2.5]
    assert json.loads(response.parameters()) == {"k": 1}
    message, buffers, callers = bridge.started[0]
    assert message == {"model_name": "m2", "model_version": 3, "id": "r", "correlation_id": "c", "flags": 1,
                       "timeout_us": 500, "parameters": {"p": True}, "requested_outputs": ["OUT"],
                       "inputs": [{"name": "IN", "datatype": 11, "shape": [2], "buffer": 0}], "decoupled": False}
    assert buffers == [data.tobytes()]
    assert callers == []


def test_bls_error_is_a_response(serving_with):
    serving_with([_answer(True, error={"code": 2, "message": "Model x - not ready"})])
    response = _bls().exec()
    assert response.has_error()
    assert response.error().message() == "Model x - not ready"
    assert response.error().code() == pb_utils.TritonError.NOT_FOUND
    assert response.output_tensors() == []


def test_bls_decoupled_iterates_to_the_final_response_and_replays(serving_with):
    one = np.array([1], dtype=np.int32).tobytes()
    bridge = serving_with([_answer(False, [("C", 8, [1], one)]), _answer(False, [("C", 8, [1], one)]),
                           _answer(True)])
    iterator = _bls().exec(decoupled=True)
    responses = list(iterator)
    assert [len(r.output_tensors()) for r in responses] == [1, 1, 0]
    assert len(list(iterator)) == 3
    iterator.cancel()
    assert bridge.cancelled == []  # finished: nothing to cancel


def test_bls_iterator_dropped_early_closes_the_call(serving_with):
    one = np.array([1], dtype=np.int32).tobytes()
    bridge = serving_with([_answer(False, [("C", 8, [1], one)]), _answer(True)])
    iterator = _bls().exec(decoupled=True)
    next(iterator)
    del iterator
    import gc
    gc.collect()
    assert bridge.cancelled == [("closed", 7)]


def test_bls_async_exec_is_awaitable(serving_with):
    serving_with([_answer(True, [("OUT", 8, [1], np.array([5], dtype=np.int32).tobytes())])])

    async def run():
        return await _bls().async_exec()

    response = asyncio.run(run())
    assert pb_utils.get_output_tensor_by_name(response, "OUT").as_numpy().tolist() == [5]


def test_response_sender_only_on_requests_passed_to_execute():
    request = pb_utils.InferenceRequest._incoming("", 0, 0, 0, "{}", [], [])
    with pytest.raises(pb_utils.TritonModelException, match="only available on requests passed to execute"):
        request.get_response_sender()


# ----------------------------------------------------------------------------- InferenceResponse


def test_response_argument_validation():
    outputs = [pb_utils.Tensor("OUTPUT0", np.asarray([1, 2], dtype=np.int32))]
    with pytest.raises(pb_utils.TritonModelException, match="should not be empty"):
        pb_utils.InferenceResponse(output_tensors=[None])
    with pytest.raises(TypeError):
        pb_utils.InferenceResponse(output_tensors=None)
    with pytest.raises(TypeError):
        pb_utils.InferenceResponse(output_tensors=[np.zeros(1)])
    with pytest.raises(TypeError):
        pb_utils.InferenceResponse(outputs, error="boom")
    pb_utils.InferenceResponse(output_tensors=[])
    pb_utils.InferenceResponse(outputs)
    pb_utils.InferenceResponse()


def test_response_accessors():
    out = pb_utils.Tensor("OUT", np.ones(2, dtype=np.float32))
    tensors = [out]
    response = pb_utils.InferenceResponse(tensors)
    tensors.append(out)  # the response keeps its own list
    assert response.output_tensors() == [out]
    assert response.has_error() is False and response.error() is None
    assert response.parameters() == "{}"
    error = pb_utils.TritonError("bad input", pb_utils.TritonError.INVALID_ARG)
    failed = pb_utils.InferenceResponse([out], error, {"a": 1})
    assert failed.has_error() is True and failed.error() is error
    assert json.loads(failed.parameters()) == {"a": 1}
    assert pb_utils.InferenceResponse(output_tensors=(out,)).output_tensors() == [out]
    assert pb_utils.InferenceResponse(error=error).output_tensors() == []


# ----------------------------------------------------------------------------- TritonError and others


def test_triton_error():
    error = pb_utils.TritonError("message")
    assert error.message() == "message"
    assert error.code() == pb_utils.TritonError.INTERNAL
    codes = {"UNKNOWN": 0, "INTERNAL": 1, "NOT_FOUND": 2, "INVALID_ARG": 3, "UNAVAILABLE": 4,
             "UNSUPPORTED": 5, "ALREADY_EXISTS": 6, "CANCELLED": 7}
    for name, value in codes.items():
        code = getattr(pb_utils.TritonError, name)
        assert int(code) == value and code.name == name
        assert pb_utils.TritonError("x", code).code() is code
    assert isinstance(pb_utils.TritonError.CANCELLED, __import__("enum").IntEnum)
    with pytest.raises(TypeError):
        pb_utils.TritonError(None)
    with pytest.raises(TypeError):
        pb_utils.TritonError("x", None)
    with pytest.raises(TypeError):
        pb_utils.TritonError("x", 3)


def test_preferred_memory():
    memory = pb_utils.PreferredMemory(pb_utils.TRITONSERVER_MEMORY_GPU, 1)
    assert memory.preferred_memory_type == pb_utils.TRITONSERVER_MEMORY_GPU
    assert memory.preferred_device_id == 1
    assert pb_utils.PreferredMemory(pb_utils.TRITONSERVER_MEMORY_CPU).preferred_device_id == 0
    with pytest.raises(TypeError):
        pb_utils.PreferredMemory(None)


def test_model_control_needs_the_server():
    with pytest.raises(pb_utils.TritonModelException, match="Failed to load model"):
        pb_utils.load_model("m")
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.unload_model("m")
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.is_model_ready("m")


def test_get_model_dir(inside_model):
    assert pb_utils.get_model_dir() == "/models/m/1"


def test_get_model_dir_outside_a_model():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.get_model_dir()


def test_bls_request_message_json_is_written_by_hand_but_exact():
    import jepserve_bls

    message = jepserve_bls.BlsRequestMessage(
        'mo"del\\é', 3, "id\n1", "seq-\u00e9", 4, 2**64 - 1, {"p": True, "n": 2, "s": 'x"y'}, ["A", 'B"'],
        [jepserve_bls.BlsInputMessage("IN\t", 11, [2, 0, 3], 0)], True)
    data = json.loads(message.to_json())
    assert data == {"model_name": 'mo"del\\é', "model_version": 3, "id": "id\n1", "correlation_id": "seq-\u00e9",
                    "flags": 4, "timeout_us": 2**64 - 1, "parameters": {"p": True, "n": 2, "s": 'x"y'},
                    "requested_outputs": ["A", 'B"'],
                    "inputs": [{"name": "IN\t", "datatype": 11, "shape": [2, 0, 3], "buffer": 0}],
                    "decoupled": True}
    assert json.loads(message._replace(correlation_id=12, parameters={}).to_json())["correlation_id"] == 12
