"""Calls add_sub from initialize(): the call raises "BLS is only supported during the 'execute' function."
and the model fails to load."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        a = pb_utils.Tensor("INPUT0", np.zeros(4, dtype=np.float32))
        pb_utils.InferenceRequest(model_name="add_sub", inputs=[a, a], requested_output_names=["OUTPUT0"]).exec()

    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("OUT", np.zeros(1, dtype=np.int32))]) for _ in requests]
