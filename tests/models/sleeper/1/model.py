"""sleeper: execute() sleeps MS milliseconds in one time.sleep (never checks is_cancelled) and answers MS."""

import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            ms = int(pb_utils.get_input_tensor_by_name(request, "MS").as_numpy()[0])
            print("sleeper: sleeping %d ms" % ms, flush=True)
            time.sleep(ms / 1000.0)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("SLEPT_MS", np.array([ms], dtype=np.int32))]))
        return responses
