import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            a = pb_utils.get_input_tensor_by_name(request, "A").as_numpy()
            b_tensor = pb_utils.get_input_tensor_by_name(request, "B")
            b = b_tensor.as_numpy() if b_tensor is not None else np.zeros_like(a)
            responses.append(pb_utils.InferenceResponse([
                pb_utils.Tensor("SUM", a + b),
                pb_utils.Tensor("HAS_B", np.array([b_tensor is not None], dtype=bool)),
            ]))
        return responses
