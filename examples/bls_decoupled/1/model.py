"""bls_decoupled: calls the decoupled countdown model with exec(decoupled=True) and iterates its responses.

countdown answers N with N responses (N, N-1, ..., 1) and then a final response without outputs; the
iterator yields all of them, the final one included, so only responses that have outputs are counted.
SUM is the sum of the counts (N(N+1)/2) and RESPONSES how many carried a count (N).
"""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            call = pb_utils.InferenceRequest(model_name="countdown",
                                             inputs=[pb_utils.get_input_tensor_by_name(request, "N")],
                                             requested_output_names=["COUNT"])
            total = 0
            counted = 0
            error = None
            for answer in call.exec(decoupled=True):
                if answer.has_error():
                    error = answer.error()
                    break
                if len(answer.output_tensors()) > 0:
                    total += int(pb_utils.get_output_tensor_by_name(answer, "COUNT").as_numpy()[0])
                    counted += 1
            if error is not None:
                responses.append(pb_utils.InferenceResponse(error=error))
                continue
            responses.append(pb_utils.InferenceResponse(output_tensors=[
                pb_utils.Tensor("SUM", np.array([total], dtype=np.int32)),
                pb_utils.Tensor("RESPONSES", np.array([counted], dtype=np.int32))]))
        return responses
