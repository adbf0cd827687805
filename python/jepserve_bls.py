"""BLS (business logic scripting): a model calling another model through the server (jepserve's own module).

pb_utils.InferenceRequest.exec / async_exec end here. A call crosses to the server as a BlsRequestMessage
(JSON) with its input bytes; the server submits it to the target model's scheduler (no socket, in process;
through the stub's own socket from a stub process) and streams its answers back as BlsResponseMessages, which
become pb_utils.InferenceResponse objects. Errors come back as responses carrying a TritonError, as in Triton;
only a call outside execute raises.

In the server's own interpreter a blocking exec() takes a direct path when it can (_call_direct): the server
starts the call on an idle in-process instance of the called model (BlsDirectCallMessage, no input bytes),
this thread runs that instance's execute() with pb_utils objects (jepserve_runtime.execute_direct), and the
server checks and counts the response, described without its bytes (BlsDirectDoneMessage).

The bridge (a Java object: dev.jepserve.python.PythonBls) is installed once by the server. Waiting for an
answer happens in Java with the GIL released; on one of the server's Python worker threads the wait runs other
queued Python work meanwhile, so a model may call another model served by the same threads
(--python-threads 1) without a deadlock. Models never import this module.
"""

import contextvars
import json
import json.scanner
import time
from typing import List, NamedTuple, Optional, Union

import jepserve_context as context
from jepserve_border import ErrorMessage, OutputMessage, ResponseMessage
from jepserve_context import TritonModelException

# The server's bridge; None outside the server.
_bridge = None
# jepserve_runtime.execute_direct when the bridge offers the in-process direct path (the server's own
# interpreter), else None (a stub process).
_execute_direct = None

# Request handles of the execute() call running in this context (a thread, or an asyncio task of an async
# execute): a BLS call made there is cancelled when all of them are.
callers = contextvars.ContextVar("jepserve_bls_callers", default=())

_NOT_IN_EXECUTE = "BLS is only supported during the 'execute' function."

# The C scanner json.loads ends in, called directly for the direct path's answers (written by the server without
# surrounding whitespace): a microsecond less per message, twice per call. Holds no state between calls.
_scan_json = json.scanner.make_scanner(json.JSONDecoder())


def _parsed(text):
    return _scan_json(text, 0)[0]


def install(bridge, execute_direct=None):
    """Called by the server once, before any model is imported. execute_direct: how the runtime runs a direct
    call's execute() (jepserve_runtime.execute_direct), used when the bridge has the direct path."""
    global _bridge, _execute_direct
    _bridge = bridge
    _execute_direct = execute_direct if execute_direct is not None and bridge.hasDirectPath() else None


class BlsInputMessage(NamedTuple):
    """One input tensor of a BLS request; its bytes are buffers[buffer]."""
    name: str
    datatype: int
    shape: List[int]
    buffer: int


class BlsRequestMessage(NamedTuple):
    """One BLS call: fields match dev.jepserve.python.border.BlsRequestMessage."""
    model_name: str
    model_version: int
    id: str
    correlation_id: Union[int, str]
    flags: int
    timeout_us: int
    parameters: dict
    requested_outputs: List[str]
    inputs: List[BlsInputMessage]
    decoupled: bool

    def to_json(self):
        # Written by hand: this runs once per call, and json.dumps of the nested dicts costs more.
        inputs = ",".join('{"name":%s,"datatype":%d,"shape":[%s],"buffer":%d}' % (
            _quoted(i.name), i.datatype, ",".join(map(str, i.shape)), i.buffer) for i in self.inputs)
        correlation = _quoted(self.correlation_id) if isinstance(self.correlation_id, str) \
            else "%d" % self.correlation_id
        return ('{"model_name":%s,"model_version":%d,"id":%s,"correlation_id":%s,"flags":%d,"timeout_us":%d,'
                '"parameters":%s,"requested_outputs":[%s],"inputs":[%s],"decoupled":%s}') % (
            _quoted(self.model_name), self.model_version, _quoted(self.id), correlation, self.flags,
            self.timeout_us, json.dumps(self.parameters) if self.parameters else "{}",
            ",".join(map(_quoted, self.requested_outputs)), inputs, "true" if self.decoupled else "false")


class BlsDirectCallMessage(NamedTuple):
    """A blocking call offered for the direct path: fields match dev.jepserve.python.border.BlsDirectCallMessage.
    No bytes travel: request.inputs[i].buffer is the input's index, its size is input_byte_sizes[i]."""
    request: BlsRequestMessage
    input_byte_sizes: List[int]

    def to_json(self):
        return '{"request":%s,"input_byte_sizes":[%s]}' % (self.request.to_json(),
                                                            ",".join(map(str, self.input_byte_sizes)))


class BlsDirectStartMessage(NamedTuple):
    """The server started the call on an idle in-process instance the caller runs (or refused it: error)."""
    call: int
    instance: str
    request: int
    requested_outputs: List[str]
    error: Optional[ErrorMessage]

    @classmethod
    def from_json(cls, text):
        data = _parsed(text)
        return cls(data["call"], data["instance"], data["request"], data["requested_outputs"], _error(data["error"]))


class BlsDirectDoneMessage(NamedTuple):
    """The called model's execute() returned; its response (a ResponseMessage) travels beside this, if any."""
    call: int
    compute_input_ns: int
    compute_infer_ns: int
    compute_output_ns: int
    output_byte_sizes: List[int]

    def to_json(self):
        return ('{"call":%d,"compute_input_ns":%d,"compute_infer_ns":%d,"compute_output_ns":%d,'
                '"output_byte_sizes":[%s]}') % (self.call, self.compute_input_ns, self.compute_infer_ns,
                                                 self.compute_output_ns, ",".join(map(str, self.output_byte_sizes)))


class BlsDirectAnswerMessage(NamedTuple):
    """The server's verdict on the response: the outputs to keep or the caller's error; pending: the answer
    comes later through the call's ordinary answers."""
    pending: bool
    outputs: List[str]
    error: Optional[ErrorMessage]

    @classmethod
    def from_json(cls, text):
        data = _parsed(text)
        return cls(data["pending"], data["outputs"], _error(data["error"]))


def _error(data):
    return None if data is None else ErrorMessage(data["code"], data["message"])


def _quoted(text):
    """A JSON string literal; plain names (the usual case) skip the general encoder."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    return json.dumps(text)


def check_allowed():
    """Raises Triton's error during initialize/finalize (and model import or auto-complete)."""
    instance = context.current_instance()
    if instance is not None and not getattr(instance, "serving", False):
        raise TritonModelException(_NOT_IN_EXECUTE)
    if _bridge is None:
        raise TritonModelException("BLS requests can only be made inside the server.")


def _message(request, decoupled):
    """The call as a BlsRequestMessage (JSON) and its input bytes."""
    buffers = []
    inputs = []
    for tensor in request._inputs:
        inputs.append(BlsInputMessage(tensor.name(), tensor.triton_dtype(), tensor.shape(), len(buffers)))
        buffers.append(tensor._wire_bytes())
    message = BlsRequestMessage(request._model_name, request._model_version, request._request_id,
                                request._correlation_id, request._flags, request._timeout,
                                _parameters(request._parameters), sorted(request._requested_output_names),
                                inputs, bool(decoupled))
    return message.to_json(), buffers


def _start(request, decoupled):
    """Sends the call; returns its handle on the bridge."""
    text, buffers = _message(request, decoupled)
    return _bridge.start(text, buffers, list(callers.get()))


def _parameters(text):
    """A request's parameters JSON text as a dict (the common empty case without a parse)."""
    return {} if text == "{}" else json.loads(text)


def _next_response(handle):
    """Waits for the call's next answer: (pb_utils.InferenceResponse, final)."""
    return _response(_bridge.next(handle), 0)


def _response(item, at):
    """An answer as the bridge hands it over (item[at]: its JSON text, then one buffer per output):
    (pb_utils.InferenceResponse, final)."""
    pb_utils = _pb_utils()
    message = json.loads(item[at])
    final = bool(message["final"])
    error = message.get("error")
    if error is not None:
        return _error_response(_error(error)), final
    response = pb_utils.InferenceResponse.__new__(pb_utils.InferenceResponse)
    tensors = []
    for index, output in enumerate(message.get("outputs", ())):
        buffer = item[at + index + 1]
        tensors.append(pb_utils.Tensor._from_wire(output["name"], output["datatype"], output["shape"],
                                                  _EMPTY if buffer is None else buffer))
    response._output_tensors = tensors
    response._error = None
    parameters = message.get("parameters")
    response._parameters = json.dumps(parameters) if parameters else "{}"
    return response, final


_utils = []


def _pb_utils():
    """triton_python_backend_utils, imported on first use (it imports this module)."""
    if not _utils:
        import triton_python_backend_utils
        _utils.append(triton_python_backend_utils)
    return _utils[0]


def _empty():
    import numpy as np
    return np.zeros(0, dtype=np.uint8)


_EMPTY = _empty()


def _single(handle):
    """The one answer of a non-decoupled call (later ones, if any, are read and dropped)."""
    response, final = _next_response(handle)
    while not final:
        _, final = _next_response(handle)
    return response


def _call(request):
    """A blocking non-decoupled call: run directly when it can be (see _call_direct), else started and its first
    answer awaited in one crossing of the bridge."""
    if _execute_direct is not None:
        response = _call_direct(request)
        if response is not None:
            return response
    text, buffers = _message(request, False)
    item = _bridge.call(text, buffers, list(callers.get()))
    response, final = _response(item, 1)
    while not final:
        _, final = _next_response(item[0])
    return response


_BYTES = 13  # TRITONSERVER_TYPE_BYTES: validation walks their bytes, so such calls take the ordinary path
_INTERNAL = 1  # pb_utils.TritonError.INTERNAL


def _call_direct(request):
    """The direct path of a blocking call in the server's interpreter: when the called model's in-process
    instance is idle, this thread runs its execute() with pb_utils objects (one crossing before, one after;
    the server still validates, schedules, counts and checks the response). None: take the ordinary path."""
    inputs = request._inputs
    sizes = []
    described = []
    for index, tensor in enumerate(inputs):
        if tensor._dtype == _BYTES:
            return None
        sizes.append(tensor._wire_size())
        described.append(BlsInputMessage(tensor._name, tensor._dtype, list(tensor._shape), index))
    message = BlsDirectCallMessage(BlsRequestMessage(
        request._model_name, request._model_version, request._request_id, request._correlation_id, request._flags,
        request._timeout, _parameters(request._parameters), sorted(request._requested_output_names), described,
        False), sizes)
    text = _bridge.startDirect(message.to_json(), list(callers.get()))
    if text is None:
        return None
    start = BlsDirectStartMessage.from_json(text)
    if start.error is not None:
        return _error_response(start.error)
    try:
        answer, times = _execute_direct(start.instance, start.request, start.requested_outputs, request)
        reported = time.perf_counter_ns()
        response, response_json, sizes = _described(answer)
        times = (times[0], times[1], times[2] + time.perf_counter_ns() - reported)
    except BaseException as error:  # noqa: BLE001 - the glue itself failed: the server must still hear of it
        # As the ordinary path answers a batch whose runtime call failed; the instance is freed either way.
        response, sizes, times = None, [], (0, 0, 0)
        response_json = ResponseMessage(start.request, True, False, [], "{}", ErrorMessage(
            _INTERNAL, "internal error in the Python runtime: %s: %s" % (type(error).__name__, error))).to_json()
    done = BlsDirectDoneMessage(start.call, times[0], times[1], times[2], sizes)
    verdict = BlsDirectAnswerMessage.from_json(_bridge.finishDirect(done.to_json(), response_json))
    if verdict.pending:
        return _single(start.call)
    if verdict.error is not None:
        return _error_response(verdict.error)
    return _caller_response(response, verdict.outputs)


def _described(answer):
    """The captured answer of a direct call as the server checks it: (the pb_utils response or None, its
    ResponseMessage JSON or None when there is no answer yet, the outputs' byte sizes)."""
    captured = answer.stop_capturing()
    if captured is None:
        return None, None, []
    response, error = captured
    if error is None and response is not None and response.error() is not None:
        error = ErrorMessage(int(response.error().code()), response.error().message())
    if error is not None:
        return None, ResponseMessage(answer.handle, True, False, [], "{}", error).to_json(), []
    if response is None:
        return None, ResponseMessage(answer.handle, True, True, [], "{}", None).to_json(), []
    tensors = response._output_tensors
    outputs = [OutputMessage(tensor._name, tensor._dtype, list(tensor._shape)) for tensor in tensors]
    sizes = [tensor._wire_size() for tensor in tensors]
    return response, ResponseMessage(answer.handle, True, False, outputs, response._parameters, None).to_json(), sizes


def _caller_response(response, kept):
    """The caller's response: the kept outputs as tensors of its own (copies, as the ordinary path's answer
    is), in the called model's order."""
    pb_utils = _pb_utils()
    answer = pb_utils.InferenceResponse.__new__(pb_utils.InferenceResponse)
    tensors = []
    if response is not None and kept:
        names = set(kept)
        for tensor in response._output_tensors:
            if tensor._name in names:
                tensors.append(tensor._copy())
    answer._output_tensors = tensors
    answer._error = None
    answer._parameters = response._parameters if response is not None else "{}"
    return answer


def _error_response(error):
    """A response carrying the error, as the ordinary path's answers do."""
    pb_utils = _pb_utils()
    response = pb_utils.InferenceResponse.__new__(pb_utils.InferenceResponse)
    try:
        code = pb_utils._ErrorCode(int(error.code))
    except ValueError:
        code = pb_utils.TritonError.INTERNAL
    response._error = pb_utils.TritonError(error.message, code)
    response._output_tensors = []
    response._parameters = "{}"
    return response


def exec_request(request, decoupled):
    """InferenceRequest.exec(decoupled): a response, or a ResponseIterator when decoupled."""
    check_allowed()
    if not decoupled:
        return _call(request)
    return ResponseIterator(_start(request, decoupled))


def async_exec_request(request, decoupled):
    """InferenceRequest.async_exec(decoupled): an awaitable. The call starts now; only the wait runs on the
    event loop's executor, so calls gathered with asyncio.gather run concurrently."""
    import asyncio  # on first use (see jepserve_runtime)

    check_allowed()
    loop = asyncio.get_event_loop()
    handle = _start(request, decoupled)
    if decoupled:
        iterator = ResponseIterator(handle)
        future = loop.create_future()
        future.set_result(iterator)
        return future
    return loop.run_in_executor(None, _single, handle)


class ResponseIterator:
    """The responses of a decoupled BLS call, the final one included (it may have no outputs).

    Iterating again after the end replays the responses received.
    """

    def __init__(self, handle):
        self._handle = handle
        self._received = []
        self._done = False

    def __iter__(self):
        if self._done:
            return iter(list(self._received))
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        response, final = _next_response(self._handle)
        self._received.append(response)
        if final:
            self._done = True
        return response

    def cancel(self):
        """Asks the server to cancel the call if it has not finished."""
        if not self._done:
            _bridge.cancel(self._handle)

    def __del__(self):
        # Dropped before its final response: the call is cancelled and the server forgets it.
        if not self._done and _bridge is not None:
            try:
                _bridge.close(self._handle)
            except Exception:  # noqa: BLE001 - nothing to report to at collection time
                pass
