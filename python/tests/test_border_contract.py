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
    message = ExecutionDoneMessage(41, 1500, 90000, 2500)
    assert json.loads(message.to_json()) == json.loads(fixture("execution_done.json"))
