"""stub_hang: an execute() that never returns on MODE "hang", in a pure-Python loop that never releases the GIL."""

import os

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        print("stub_hang initialize in pid %d" % os.getpid(), flush=True)

    def execute(self, requests):
        responses = []
        for request in requests:
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            while mode == "hang":
                pass
            text = "pid:%d" % os.getpid()
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("TEXT", np.array([text.encode()],
                                                                                          dtype=np.object_))]))
        return responses
