"""InferenceResponseSender and the border messages it produces, with a recording stand-in for the server."""

import json

import numpy as np
import pytest

import jepserve_context as context
import triton_python_backend_utils as pb_utils
from jepserve_responses import RequestResponses

FINAL = pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL


class RecordingCallbacks:
    """Plays the server end of the border: records what crosses, answers like PythonCallbacks."""

    def __init__(self, cancelled=False, problem=None):
        self.sent = []
        self.cancelled = cancelled
        self.problem = problem

    def send(self, message, buffers):
        self.sent.append((json.loads(message), list(buffers)))
        return self.problem

    def isCancelled(self, handle):
        return self.cancelled


@pytest.fixture
def server():
    callbacks = RecordingCallbacks()
    previous = context.callbacks
    context.callbacks = callbacks
    yield callbacks
    context.callbacks = previous


def sender(decoupled, requested=("OUT",), handle=7):
    responses = RequestResponses(handle, set(requested), decoupled)
    request = pb_utils.InferenceRequest._incoming("id", 0, 0, 0, "{}", [], list(requested),
                                                  responses.is_cancelled, responses)
    return request.get_response_sender()


def response(value=1.0, parameters=None, **extra):
    tensors = [pb_utils.Tensor("OUT", np.asarray([value], dtype=np.float32))]
    tensors += [pb_utils.Tensor(name, np.asarray([0], dtype=np.int8)) for name in extra]
    return pb_utils.InferenceResponse(tensors, parameters=parameters)


def test_decoupled_sender_streams_responses_then_a_flag_only_final(server):
    s = sender(decoupled=True)
    s.send(response(1.0, parameters={"n": 1}))
    s.send(response(2.0))
    s.send(flags=FINAL)
    messages = [m for m, _ in server.sent]
    assert [(m["request"], m["final"], m["empty"]) for m in messages] == [(7, False, False), (7, False, False),
                                                                           (7, True, True)]
    assert messages[0]["outputs"] == [{"name": "OUT", "datatype": response().output_tensors()[0].triton_dtype(), "shape": [1]}]
    assert messages[0]["parameters"] == {"n": 1}
    assert np.frombuffer(server.sent[1][1][0], dtype=np.float32).tolist() == [2.0]


def test_every_output_goes_to_the_server_which_checks_and_prunes(server):
    sender(decoupled=True).send(response(EXTRA=True), flags=FINAL)
    message, buffers = server.sent[0]
    assert [o["name"] for o in message["outputs"]] == ["OUT", "EXTRA"] and len(buffers) == 2


def test_error_response_crosses_as_an_error_message(server):
    error = pb_utils.TritonError("bad input", pb_utils.TritonError.INVALID_ARG)
    sender(decoupled=True).send(pb_utils.InferenceResponse(error=error), flags=FINAL)
    message, _ = server.sent[0]
    assert message["error"] == {"code": int(pb_utils.TritonError.INVALID_ARG), "message": "bad input"}
    assert message["outputs"] == []


@pytest.mark.parametrize("call, text", [
    (lambda s: s.send(response(), flags=2), "Unable to send response. Unsupported flag provided."),
    (lambda s: s.send(None, flags=0),
     "Inference Response object must be provided when the response flags is set to zero."),
])
def test_sender_argument_errors(server, call, text):
    with pytest.raises(pb_utils.TritonModelException) as raised:
        call(sender(decoupled=True))
    assert str(raised.value) == text
    assert server.sent == []


def test_sending_after_the_final_flag_is_refused(server):
    s = sender(decoupled=True)
    s.send(flags=FINAL)
    with pytest.raises(pb_utils.TritonModelException) as raised:
        s.send(response())
    assert str(raised.value) == "Unable to send response. Response sender has been closed."
    with pytest.raises(pb_utils.TritonModelException):
        s.send(flags=FINAL)
    assert len(server.sent) == 1


def test_non_decoupled_sender_sends_exactly_one_final_response(server):
    s = sender(decoupled=False)
    s.send(response())
    assert server.sent[0][0]["final"] is True
    with pytest.raises(pb_utils.TritonModelException) as raised:
        s.send(response())
    assert str(raised.value) == "Unable to send response. Non-decoupled model cannot send more than one response."
    s2 = sender(decoupled=False)
    with pytest.raises(pb_utils.TritonModelException) as raised:
        s2.send(flags=FINAL)
    assert str(raised.value) == ("Unable to send response. Non-decoupled model cannot send complete final before "
                                 "sending a response.")


def test_non_decoupled_final_flag_after_the_response_only_closes(server):
    s = sender(decoupled=False)
    s.send(response())
    s.send(flags=FINAL)
    assert len(server.sent) == 1
    with pytest.raises(pb_utils.TritonModelException, match="Response sender has been closed"):
        s.send(flags=FINAL)


def test_server_refusal_is_raised_to_the_model(server):
    server.problem = "output 'OUT' has an unsupported data type code 99"
    with pytest.raises(pb_utils.TritonModelException, match="unsupported data type code 99"):
        sender(decoupled=True).send(response())


def test_is_cancelled_asks_the_server(server):
    s = sender(decoupled=True)
    assert s.is_cancelled() is False
    server.cancelled = True
    assert s.is_cancelled() is True


def test_send_type_errors():
    s = sender(decoupled=True)
    with pytest.raises(TypeError):
        s.send("not a response")
    with pytest.raises(TypeError):
        s.send(response(), flags="final")


def test_a_direct_calls_answer_stays_in_python_until_capturing_stops(server):
    """CapturedResponses (the in-process direct path of BLS): an answer given while the called model's execute()
    runs is kept as the pb_utils object; after that, answers cross to the server as any request's do."""
    from jepserve_responses import CapturedResponses

    answered = CapturedResponses(7, {"OUT"})
    answer = response(2.0)
    answered.send_returned(answer)
    assert answered.stop_capturing() == (answer, None)
    assert server.sent == []

    failed = CapturedResponses(8, {"OUT"})
    failed.fail(pb_utils.TritonError.INTERNAL, "broken")
    assert failed.stop_capturing()[1].message == "broken"
    assert server.sent == []

    late = CapturedResponses(9, {"OUT"})
    request = pb_utils.InferenceRequest._incoming("id", 0, 0, 0, "{}", [], ["OUT"], late.is_cancelled, late)
    assert late.stop_capturing() is None
    request.get_response_sender().send(response(3.0), flags=FINAL)
    (message, buffers), = server.sent
    assert message["request"] == 9 and message["final"] and message["outputs"][0]["name"] == "OUT"
