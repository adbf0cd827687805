"""Counts the inputs that arrived and sums every numeric element (as float64), so a test can see values."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            inputs = request.inputs()
            total = 0.0
            for tensor in inputs:
                array = tensor.as_numpy()
                if array.dtype != np.object_:
                    total += float(np.sum(array.astype(np.float64)))
            responses.append(pb_utils.InferenceResponse([
                pb_utils.Tensor("COUNT", np.array([len(inputs)], dtype=np.int64)),
                pb_utils.Tensor("SUM", np.array([total], dtype=np.float64))]))
        return responses
