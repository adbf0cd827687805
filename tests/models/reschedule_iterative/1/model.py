"""For IN = N: N executions of the same request, each sending OUT = N-1, N-2, ..., 0; every execution but the
last releases the request with TRITONSERVER_REQUEST_RELEASE_RESCHEDULE, the last one sends the final flag.
The remaining count lives in the model, keyed by request id."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.remaining = {}
        self.executions = 0

    def execute(self, requests):
        for request in requests:
            self.executions += 1
            key = request.request_id()
            if key not in self.remaining:
                self.remaining[key] = int(pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()[0])
            self.remaining[key] -= 1
            sender = request.get_response_sender()
            sender.send(pb_utils.InferenceResponse([pb_utils.Tensor("OUT", np.array([self.remaining[key]],
                                                                                    dtype=np.int32))]))
            if self.remaining[key] > 0:
                request.set_release_flags(pb_utils.TRITONSERVER_REQUEST_RELEASE_RESCHEDULE)
            else:
                del self.remaining[key]
                sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
        return None
