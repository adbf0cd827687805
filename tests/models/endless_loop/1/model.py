"""endless_loop: execute() sleeps in a loop forever and never checks is_cancelled(); IN 0 answers at once."""

import os
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            value = pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()
            print("endless_loop: executing %d in pid %d" % (int(value[0]), os.getpid()), flush=True)
            while int(value[0]) != 0:
                time.sleep(0.05)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("OUT", value.astype(np.int32))]))
        return responses
