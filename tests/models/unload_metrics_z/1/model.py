"""Keeps the server in its unload phase for a few seconds (models unload in name order, this one last)."""

import time

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("Y", pb_utils.get_input_tensor_by_name(r, "X").as_numpy())]) for r in requests]

    def finalize(self):
        print("unload_metrics_z: finalize started", flush=True)
        time.sleep(4)
