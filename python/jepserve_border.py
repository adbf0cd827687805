"""The messages that cross between the server and a model's Python side (jepserve's own module).

Each message is a NamedTuple whose fields match the server's records in dev.jepserve.python.border, carried
as JSON text next to the tensor buffers. Only handles (numbers) name requests and batches, so the same
messages can travel to a stub process. Models never import this module.
"""

import json
from typing import List, NamedTuple, Optional, Union


class InputMessage(NamedTuple):
    """One input tensor; its bytes are buffers[buffer] of the batch."""
    name: str
    datatype: int
    shape: List[int]
    buffer: int


class RequestMessage(NamedTuple):
    """One request of a batch."""
    handle: int
    id: str
    correlation_id: Union[int, str]
    flags: int
    timeout_us: int
    parameters: dict
    requested_outputs: List[str]
    inputs: List[InputMessage]


class BatchMessage(NamedTuple):
    """One execute() call: its requests and the handle under which execute's return is reported."""
    batch: int
    requests: List[RequestMessage]

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        requests = []
        for r in data["requests"]:
            inputs = [InputMessage(i["name"], i["datatype"], i["shape"], i["buffer"]) for i in r["inputs"]]
            requests.append(RequestMessage(r["handle"], r["id"], r["correlation_id"], r["flags"], r["timeout_us"],
                                           r["parameters"], r["requested_outputs"], inputs))
        return cls(data["batch"], requests)


class OutputMessage(NamedTuple):
    """One output tensor of a response; its bytes travel beside the message, in output order."""
    name: str
    datatype: int
    shape: List[int]


class ErrorMessage(NamedTuple):
    """An error response: a pb_utils.TritonError code and its message."""
    code: int
    message: str


class ResponseMessage(NamedTuple):
    """One response to one request. parameters_json is the response's parameters as a JSON object text."""
    request: int
    final: bool
    empty: bool
    outputs: List[OutputMessage]
    parameters_json: str
    error: Optional[ErrorMessage]

    def to_json(self):
        # Written by hand: this runs once per response, and json.dumps of the nested lists costs more.
        error = "null" if self.error is None else '{"code":%d,"message":%s}' % (self.error.code,
                                                                               json.dumps(self.error.message))
        outputs = ",".join('{"name":%s,"datatype":%d,"shape":[%s]}' % (_quoted(o.name), o.datatype,
                                                                        ",".join(map(str, o.shape)))
                           for o in self.outputs)
        return '{"request":%d,"final":%s,"empty":%s,"outputs":[%s],"parameters":%s,"error":%s}' % (
            self.request, "true" if self.final else "false", "true" if self.empty else "false", outputs,
            self.parameters_json or "{}", error)


def _quoted(text):
    """A JSON string literal; plain names (the usual tensor names) skip the general encoder."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    return json.dumps(text)


class ExecutionDoneMessage(NamedTuple):
    """execute() returned for a batch: where its time went, in nanoseconds. Where the server reuses input
    memory (a stub): whether the model still references this batch's inputs, and which batches reported as
    kept earlier it no longer references."""
    batch: int
    compute_input_ns: int
    compute_infer_ns: int
    compute_output_ns: int
    kept_inputs: bool = False
    released_inputs: List[int] = []

    def to_json(self):
        return ('{"batch":%d,"compute_input_ns":%d,"compute_infer_ns":%d,"compute_output_ns":%d,'
                '"kept_inputs":%s,"released_inputs":[%s]}') % (
            self.batch, self.compute_input_ns, self.compute_infer_ns, self.compute_output_ns,
            "true" if self.kept_inputs else "false", ",".join(map(str, self.released_inputs)))
