"""How a request's responses leave the model (jepserve's own module; models use pb_utils).

One RequestResponses per incoming request holds what Triton's response sender tracks (closed or not, how many
responses went out) and turns pb_utils.InferenceResponse objects into border ResponseMessages for the
server. execute()'s return value and InferenceResponseSender.send() both end here, from any Python thread.
"""

import threading

import jepserve_context as context
from jepserve_border import ErrorMessage, OutputMessage, ResponseMessage
from jepserve_context import TritonModelException

FINAL = 1  # TRITONSERVER_RESPONSE_COMPLETE_FINAL

_SENDER_CLOSED = "Unable to send response. Response sender has been closed."
# Responses whose outputs are this small in all send them as bytes in the message: two Java calls per output
# (reserve the space, view it) and the space's later release cost more than copying a few KiB.
_INLINE_BYTES = 16 * 1024
_INTERNAL = 1  # pb_utils.TritonError.INTERNAL


def _to_region(region, tensor, offsets):
    """Copies an output into memory the server hands out (its one copy on the way out): a stub's shared-memory
    output region, or direct memory in the server's own interpreter; appends its offset (or id). Returns the
    error text instead when it does not fit (in a stub, Triton's "Failed to increase the shared memory pool
    size" text, naming the limit)."""
    view = tensor._wire_view()
    size = int(view.nbytes)
    offset = region.allocateOutput(size)
    if offset is None:
        return "the stub has no shared-memory output region"
    if isinstance(offset, str):
        return offset
    if offset >= 0:
        region.outputView(offset, size)[:] = view
    offsets.append(offset)
    return None


class RequestResponses:
    """The answer side of one request."""

    __slots__ = ("handle", "requested", "decoupled", "_lock", "_closed", "_answered", "_sent", "rescheduled")

    def __init__(self, handle, requested, decoupled):
        self.handle = handle
        self.requested = requested
        self.decoupled = decoupled
        self._lock = threading.Lock()
        self._closed = False     # the sender refuses further sends
        self._answered = False   # the server has the final answer
        self._sent = 0           # responses sent (flag-only sends not counted)
        self.rescheduled = False  # released with TRITONSERVER_REQUEST_RELEASE_RESCHEDULE: executed again

    def send_from_sender(self, response, flags):
        """InferenceResponseSender.send(response, flags) with Triton's checks and error texts."""
        if flags not in (0, FINAL):
            raise TritonModelException("Unable to send response. Unsupported flag provided.")
        if flags == 0 and response is None:
            raise TritonModelException(
                "Inference Response object must be provided when the response flags is set to zero.")
        with self._lock:
            if self._closed:
                raise TritonModelException(_SENDER_CLOSED)
            if not self.decoupled:
                if response is not None and self._sent >= 1:
                    raise TritonModelException(
                        "Unable to send response. Non-decoupled model cannot send more than one response.")
                if response is None and self._sent == 0:
                    raise TritonModelException("Unable to send response. Non-decoupled model cannot send complete "
                                               "final before sending a response.")
                if response is None:
                    # The one response already went out as the final one: this only closes the sender.
                    self._closed = True
                    return
                # A non-decoupled request has exactly one response: for the server it is the final one.
                self._sent = 1
                self._answered = True
                self._closed = flags == FINAL
                self._emit(response, True)
                return
            if response is not None:
                self._sent += 1
            if flags == FINAL:
                self._closed = True
                self._answered = True
            self._emit(response, flags == FINAL)

    def send_returned(self, response):
        """A response execute() returned for this request (non-decoupled): the final answer."""
        with self._lock:
            if self._answered:
                return
            self._closed = self._answered = True
            self._sent += 1
            # The execution-done message follows at once: the two leave together (sendReturned).
            self._emit(response, True, returned=True)

    def fail(self, code, message):
        """Closes the request with an error, unless it was answered finally already."""
        with self._lock:
            if self._answered or self.rescheduled:
                return
            self._closed = self._answered = True
            self._deliver(ResponseMessage(self.handle, True, False, [], "{}", ErrorMessage(int(code), message)), [])

    def is_cancelled(self):
        callbacks = context.callbacks
        return bool(callbacks.isCancelled(self.handle)) if callbacks is not None else False

    def _emit(self, response, final, returned=False):
        if response is None:
            self._deliver(ResponseMessage(self.handle, final, True, [], "{}", None), [], returned)
            return
        error = response.error()
        if error is not None:
            message = ResponseMessage(self.handle, final, False, [], "{}", ErrorMessage(int(error.code()), error.message()))
            self._deliver(message, [], returned)
            return
        outputs = []
        buffers = []
        tensors = response.output_tensors()
        region = context.output_region
        if region is not None and sum(tensor._wire_size() for tensor in tensors) <= _INLINE_BYTES:
            region = None
        # Every output goes to the server, which checks them against the config and drops unrequested ones.
        for tensor in tensors:
            outputs.append(OutputMessage(tensor.name(), tensor.triton_dtype(), tensor.shape()))
            if region is not None:
                problem = _to_region(region, tensor, buffers)
                if problem is not None:
                    for offset in buffers:
                        if offset >= 0:
                            region.freeOutput(offset)
                    self._deliver(ResponseMessage(self.handle, final, False, [], "{}",
                                                  ErrorMessage(int(_INTERNAL), problem)), [], returned)
                    return
                continue
            data = tensor._wire_bytes()
            buffers.append(data if isinstance(data, bytes) else bytes(data))
        self._deliver(ResponseMessage(self.handle, final, False, outputs, response.parameters(), None), buffers,
                      returned)

    def _deliver(self, message, buffers, returned=False):
        callbacks = context.callbacks
        if callbacks is None:
            raise TritonModelException("responses can only be sent inside the server")
        if returned:
            problem = callbacks.sendReturned(message.to_json(), buffers)
        else:
            problem = callbacks.send(message.to_json(), buffers)
        if problem is not None:
            raise TritonModelException(str(problem))


class CapturedResponses(RequestResponses):
    """The answer side of a direct BLS call's request (see jepserve_bls.call_direct): while the called model's
    execute() runs on the caller's thread, its answer stays here as the pb_utils object it is (no output copy,
    no message); once capturing stopped, later answers (a response sender used after execute() returned) go to
    the server as RequestResponses' do."""

    __slots__ = ("_capturing", "captured")

    def __init__(self, handle, requested):
        super().__init__(handle, requested, False)
        self._capturing = True
        # (pb_utils.InferenceResponse or None for an empty one, ErrorMessage or None) once answered.
        self.captured = None

    def stop_capturing(self):
        """execute() returned: the captured answer (see `captured`), or None; later answers go to the server."""
        with self._lock:
            self._capturing = False
            return self.captured

    def _emit(self, response, final, returned=False):
        if self._capturing:
            self.captured = (response, None)
            return
        RequestResponses._emit(self, response, final, returned)

    def _deliver(self, message, buffers, returned=False):
        if self._capturing:
            self.captured = (None, message.error)
            return
        RequestResponses._deliver(self, message, buffers, returned)
