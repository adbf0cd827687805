"""Makes one BLS call chosen by MODE and reports the outcome in TEXT, as JSON:
{"error": [code name, message] or null, "outputs": {name: list}, "seconds": elapsed, "responses": n}.

Modes: missing (an unknown model), decoupled_target (exec() without decoupled=True on countdown), timeout
(cancel_aware waiting 5 s, BLS timeout 0.2 s), cancel_iterator (cancel() before iterating), orphan
(cancel_aware waiting 10 s, no BLS timeout: the caller's own request is expected to be cancelled),
parameters (add_sub with a request id, correlation id and parameters).
"""

import json
import time

import numpy as np
import triton_python_backend_utils as pb_utils


def wait_ms(ms):
    return [pb_utils.Tensor("WAIT_MS", np.array([ms], dtype=np.int32))]


def report(responses, started):
    error = None
    outputs = {}
    for response in responses:
        if response.has_error():
            error = [response.error().code().name, response.error().message()]
        for tensor in response.output_tensors():
            outputs[tensor.name()] = tensor.as_numpy().tolist()
    return json.dumps({"error": error, "outputs": outputs, "seconds": time.monotonic() - started,
                       "responses": len(responses)})


class TritonPythonModel:
    def execute(self, requests):
        answers = []
        for request in requests:
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            started = time.monotonic()
            responses = self.call(mode, request)
            text = np.array([report(responses, started).encode()], dtype=np.object_)
            answers.append(pb_utils.InferenceResponse([pb_utils.Tensor("TEXT", text)]))
        return answers

    def call(self, mode, request):
        if mode == "missing":
            return [pb_utils.InferenceRequest(model_name="no_such_model", inputs=[],
                                              requested_output_names=[]).exec()]
        if mode == "decoupled_target":
            n = [pb_utils.Tensor("N", np.array([2], dtype=np.int32))]
            return [pb_utils.InferenceRequest(model_name="countdown", inputs=n,
                                              requested_output_names=["COUNT"]).exec()]
        if mode == "timeout":
            return [pb_utils.InferenceRequest(model_name="cancel_aware", inputs=wait_ms(5000), request_id="bls-timeout",
                                              requested_output_names=["WAITED_MS"], timeout=200000).exec()]
        if mode == "cancel_iterator":
            iterator = pb_utils.InferenceRequest(model_name="cancel_aware", inputs=wait_ms(5000),
                                                 request_id="bls-cancel", requested_output_names=["WAITED_MS"]
                                                 ).exec(decoupled=True)
            iterator.cancel()
            return list(iterator)
        if mode == "orphan":
            return [pb_utils.InferenceRequest(model_name="cancel_aware", inputs=wait_ms(10000), request_id="bls-orphan",
                                              requested_output_names=["WAITED_MS"]).exec()]
        if mode == "parameters":
            a = pb_utils.Tensor("INPUT0", np.array([1, 2, 3, 4], dtype=np.float32))
            b = pb_utils.Tensor("INPUT1", np.array([4, 3, 2, 1], dtype=np.float32))
            return [pb_utils.InferenceRequest(model_name="add_sub", inputs=[a, b], requested_output_names=["OUTPUT0"],
                                              request_id="bls-1", correlation_id=7, model_version=1,
                                              parameters={"key": "value", "n": 3, "flag": True}).exec()]
        raise ValueError("unknown mode " + mode)
