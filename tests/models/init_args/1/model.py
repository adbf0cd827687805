"""Answers with the initialize(args) dict it received, as JSON, plus sys.argv and get_model_dir()."""

import json
import sys

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.seen = {"args": args, "argv": list(sys.argv), "model_dir": pb_utils.get_model_dir()}

    def execute(self, requests):
        payload = np.array([json.dumps(self.seen).encode()], dtype=np.object_)
        return [pb_utils.InferenceResponse([pb_utils.Tensor("ARGS", payload)]) for _ in requests]
