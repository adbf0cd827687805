"""Says in which process it is imported; its inputs and outputs come from auto_complete_config."""

import os

import numpy as np
import triton_python_backend_utils as pb_utils

print("auto_complete_stub imported in pid %d" % os.getpid(), flush=True)


class TritonPythonModel:
    @staticmethod
    def auto_complete_config(config):
        print("auto_complete_stub auto_complete_config in pid %d" % os.getpid(), flush=True)
        config.add_input({"name": "IN", "data_type": "TYPE_INT32", "dims": [2]})
        config.add_output({"name": "PID", "data_type": "TYPE_INT64", "dims": [1]})
        return config

    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("PID", np.array([os.getpid()], dtype=np.int64))])
                for _ in requests]
