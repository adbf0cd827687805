"""Answers with the initialize(args) dict it received, as JSON, plus sys.argv and get_model_dir()."""

import json
import sys

import numpy as np
import triton_python_backend_utils as pb_utils

# As in Triton, the model's directory is known while model.py is being imported.
IMPORT_TIME_MODEL_DIR = pb_utils.get_model_dir()


class TritonPythonModel:
    def initialize(self, args):
        self.seen = {"args": args, "argv": list(sys.argv), "model_dir": pb_utils.get_model_dir(),
                     "import_time_model_dir": IMPORT_TIME_MODEL_DIR}

    def execute(self, requests):
        payload = np.array([json.dumps(self.seen).encode()], dtype=np.object_)
        return [pb_utils.InferenceResponse([pb_utils.Tensor("ARGS", payload)]) for _ in requests]
