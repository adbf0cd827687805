"""The Python side of the border contract: NamedTuples read and write the shared fixtures exactly."""

import json
import pathlib

from jepserve_border import (BatchMessage, ErrorMessage, ExecutionDoneMessage, InputMessage, OutputMessage,
                             RequestMessage, ResponseMessage)

FIXTURES = pathlib.Path(__file__).parent / "border"


def fixture(name):
    return (FIXTURES / name).read_text()


def test_batch_message_reads_every_field():
    batch = BatchMessage.from_json(fixture("batch.json"))
    assert batch == BatchMessage(41, [
        RequestMessage(42, "req-1", 7, 1, 2000, {"temperature": 0.5, "mode": "fast", "n": 3, "stream": True},
                       ["OUTPUT0"], [InputMessage("INPUT0", 11, [1, 4], 0)]),
        RequestMessage(43, "", "session-a", 0, 0, {}, ["OUTPUT0", "OUTPUT1"],
                       [InputMessage("INPUT0", 11, [2, 4], 1), InputMessage("TEXT", 13, [1], 2)]),
    ])


def test_response_message_writes_the_fixture():
    message = ResponseMessage(42, False, False, [OutputMessage("OUTPUT0", 11, [1, 4])],
                              '{"count": 2, "label": "cat", "done": false}', None)
    assert json.loads(message.to_json()) == json.loads(fixture("response.json"))


def test_error_response_writes_the_fixture():
    message = ResponseMessage(43, True, False, [], "{}", ErrorMessage(3, "input was not valid"))
    assert json.loads(message.to_json()) == json.loads(fixture("error_response.json"))


def test_execution_done_writes_the_fixture():
    message = ExecutionDoneMessage(41, 1500, 90000, 2500, True, [38, 39])
    assert json.loads(message.to_json()) == json.loads(fixture("execution_done.json"))


# The direct path of blocking BLS calls (jepserve_bls): what Python writes the server reads, and back.

def test_bls_direct_call_writes_the_fixture():
    from jepserve_bls import BlsDirectCallMessage, BlsInputMessage, BlsRequestMessage

    request = BlsRequestMessage("add_sub", -1, "bls-1", 7, 0, 0, {"mode": "fast", "n": 3, "flag": True}, ["OUTPUT0"],
                                [BlsInputMessage("INPUT0", 11, [4], 0), BlsInputMessage("INPUT1", 11, [4], 1)], False)
    message = BlsDirectCallMessage(request, [16, 16])
    assert json.loads(message.to_json()) == json.loads(fixture("bls_direct_call.json"))


def test_bls_direct_start_reads_every_field():
    from jepserve_bls import BlsDirectStartMessage

    assert BlsDirectStartMessage.from_json(fixture("bls_direct_start.json")) == BlsDirectStartMessage(
        5, "add_sub_0_3", 42, ["OUTPUT0", "OUTPUT1"], None)


def test_bls_direct_done_writes_the_fixture():
    from jepserve_bls import BlsDirectDoneMessage

    message = BlsDirectDoneMessage(5, 1500, 90000, 2500, [16, 0])
    assert json.loads(message.to_json()) == json.loads(fixture("bls_direct_done.json"))


def test_bls_direct_answer_reads_every_field():
    from jepserve_bls import BlsDirectAnswerMessage

    assert BlsDirectAnswerMessage.from_json(fixture("bls_direct_answer.json")) == BlsDirectAnswerMessage(
        False, ["OUTPUT0"], ErrorMessage(3, "unexpected inference output 'X'"))
