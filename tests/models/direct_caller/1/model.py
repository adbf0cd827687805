"""Makes one blocking BLS call to TARGET (default direct_target) with the request parameter mode=MODE and
X = [1, 2, 3, 4], and reports it in TEXT as JSON: {"error": [code name, message] or null, "outputs": {name:
list}, "parameters": the response's parameters, "x_after": X after the call, "model": this model's
directory as pb_utils reports it after the call}.

ORDINARY true gives the call a 60 s timeout, which keeps it off the in-process direct path (a request with a
timeout always goes through the called model's queue): the same call, the ordinary way, for comparisons.
Modes handled here rather than by the target: bad_dtype (X as INT32), bad_shape (X of 3 values), requested
(asks for DOUBLED only), bytes_input (calls bls_probe-like BYTES input: TARGET must take a BYTES input "MODE").
"""

import json
import os

import numpy as np
import triton_python_backend_utils as pb_utils


def text(request, name, default=""):
    tensor = pb_utils.get_input_tensor_by_name(request, name)
    return tensor.as_numpy()[0].decode() if tensor is not None else default


class TritonPythonModel:
    def execute(self, requests):
        return [self.one(request) for request in requests]

    def one(self, request):
        mode = text(request, "MODE")
        target = text(request, "TARGET", "direct_target")
        ordinary = pb_utils.get_input_tensor_by_name(request, "ORDINARY")
        timeout = 60_000_000 if ordinary is not None and bool(ordinary.as_numpy()[0]) else 0
        x = np.array([1, 2, 3, 4], dtype=np.float32)
        inputs = [pb_utils.Tensor("X", x)]
        requested = ["DOUBLED", "SEEN"]
        if mode == "bad_dtype":
            inputs = [pb_utils.Tensor("X", x.astype(np.int32))]
        elif mode == "bad_shape":
            inputs = [pb_utils.Tensor("X", x[:3].copy())]
        elif mode == "requested":
            requested = ["DOUBLED"]
        elif mode == "bytes_input":
            inputs = [pb_utils.Tensor("MODE", np.array([b"parameters"], dtype=np.object_))]
            requested = ["TEXT"]
        elif mode == "countdown":
            inputs = [pb_utils.Tensor("N", np.array([2], dtype=np.int32))]
            requested = ["COUNT"]
        response = pb_utils.InferenceRequest(
            model_name=target, inputs=inputs, requested_output_names=requested, request_id="direct-1",
            correlation_id=9, flags=0, timeout=timeout, parameters={"mode": mode, "n": 3, "flag": True}).exec()
        report = {
            "error": None,
            "outputs": {},
            "parameters": json.loads(response.parameters()),
            "x_after": x.tolist(),
            "model": os.path.basename(os.path.dirname(pb_utils.get_model_dir())),
        }
        if response.has_error():
            report["error"] = [response.error().code().name, response.error().message()]
        for tensor in response.output_tensors():
            value = tensor.as_numpy()
            report["outputs"][tensor.name()] = [v.decode() for v in value] if value.dtype == np.object_ \
                else value.tolist()
        return pb_utils.InferenceResponse(
            [pb_utils.Tensor("TEXT", np.array([json.dumps(report).encode()], dtype=np.object_))])
