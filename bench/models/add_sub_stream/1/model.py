"""add_sub_stream: a decoupled add/sub on FP32[4] for the streaming benchmark.

Every request is answered through its response sender: one response carrying OUTPUT0 = INPUT0 + INPUT1 and
OUTPUT1 = INPUT0 - INPUT1, then a separate send with only the final flag. execute returns None, as a
decoupled model must. A plain Triton Python-backend model: it runs unchanged under tritonserver and jepserve.
"""

import triton_python_backend_utils as pb_utils

FINAL = pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL


class TritonPythonModel:
    def execute(self, requests):
        for request in requests:
            a = pb_utils.get_input_tensor_by_name(request, "INPUT0").as_numpy()
            b = pb_utils.get_input_tensor_by_name(request, "INPUT1").as_numpy()
            sender = request.get_response_sender()
            sender.send(pb_utils.InferenceResponse(output_tensors=[
                pb_utils.Tensor("OUTPUT0", a + b),
                pb_utils.Tensor("OUTPUT1", a - b),
            ]))
            sender.send(flags=FINAL)
        return None
