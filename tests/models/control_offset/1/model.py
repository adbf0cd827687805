"""Y = X + OFFSET. The model-control tests edit OFFSET to see a reload take effect; each execute takes a few
milliseconds, so requests are in flight when the old instance is swapped out."""

import time

import numpy as np
import triton_python_backend_utils as pb_utils

OFFSET = 1


class TritonPythonModel:
    def initialize(self, args):
        pb_utils.Logger.log_info("control_offset: initialize with OFFSET=%d" % OFFSET)

    def execute(self, requests):
        time.sleep(0.003)
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", (x + OFFSET).astype(np.int32))]))
        return responses

    def finalize(self):
        pb_utils.Logger.log_info("control_offset: finalize with OFFSET=%d" % OFFSET)
