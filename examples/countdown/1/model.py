"""countdown: a decoupled model. For input N it sends N responses COUNT = N, N-1, ..., 1, then closes the
request with a flag-only final response. N = 0 gives no response at all, only the final flag.

The responses are sent from a worker thread after execute() returned, which only decoupled models may do:
execute() hands each request's response sender to the thread and returns None at once.
"""

import threading

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.workers = []

    def execute(self, requests):
        for request in requests:
            n = int(pb_utils.get_input_tensor_by_name(request, "N").as_numpy()[0])
            sender = request.get_response_sender()
            if n < 0:
                error = pb_utils.TritonError("N must not be negative, got %d" % n, pb_utils.TritonError.INVALID_ARG)
                sender.send(pb_utils.InferenceResponse(error=error),
                            flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
                continue
            worker = threading.Thread(target=self.count_down, args=(n, sender), daemon=True)
            worker.start()
            self.workers.append(worker)
        self.workers = [w for w in self.workers if w.is_alive()]
        return None

    @staticmethod
    def count_down(n, sender):
        for value in range(n, 0, -1):
            if sender.is_cancelled():
                break
            count = pb_utils.Tensor("COUNT", np.array([value], dtype=np.int32))
            sender.send(pb_utils.InferenceResponse(output_tensors=[count]))
        sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)

    def finalize(self):
        for worker in self.workers:
            worker.join(timeout=10)
