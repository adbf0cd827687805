"""Runs pb_utils' model control from execute(): COMMAND is "load <model>", "unload <model>",
"ready <model> [<version>]" or "load_override <model>"; RESULT is "ok", "True"/"False" or the error text."""

import json

import numpy as np
import triton_python_backend_utils as pb_utils

OVERRIDE_CONFIG = {
    "backend": "python",
    "input": [{"name": "X", "data_type": "TYPE_INT32", "dims": [1]}],
    "output": [{"name": "Y", "data_type": "TYPE_INT32", "dims": [1]}],
}
OVERRIDE_MODEL = b"""
import numpy as np
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("Y", pb_utils.get_input_tensor_by_name(r, "X")
                .as_numpy() * 1000)]) for r in requests]
"""


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            words = pb_utils.get_input_tensor_by_name(request, "COMMAND").as_numpy()[0].decode().split()
            try:
                result = self.run(words)
            except pb_utils.TritonModelException as error:
                result = "error: %s" % error
            responses.append(pb_utils.InferenceResponse(
                [pb_utils.Tensor("RESULT", np.array([result.encode()], dtype=np.object_))]))
        return responses

    def run(self, words):
        if words[0] == "load":
            pb_utils.load_model(words[1])
            return "ok"
        if words[0] == "load_override":
            pb_utils.load_model(words[1], config=json.dumps(OVERRIDE_CONFIG),
                                files={"file:1/model.py": OVERRIDE_MODEL})
            return "ok"
        if words[0] == "load_bad_files":
            pb_utils.load_model(words[1], files=["not", "a", "dict"])
            return "ok"
        if words[0] == "unload":
            pb_utils.unload_model(words[1])
            return "ok"
        if words[0] == "ready":
            return str(pb_utils.is_model_ready(*words[1:]))
        return "unknown command"
