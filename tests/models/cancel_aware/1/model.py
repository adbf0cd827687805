"""Waits up to WAIT_MS, polling request.is_cancelled(); a cancelled request gets a CANCELLED error.

Each outcome is printed ("cancel_aware: <id> cancelled after N ms" / "... finished") so tests can see
what the model observed even when the client is gone.
"""

import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            wait_ms = int(pb_utils.get_input_tensor_by_name(request, "WAIT_MS").as_numpy()[0])
            started = time.monotonic()
            cancelled = False
            while (time.monotonic() - started) * 1000 < wait_ms:
                if request.is_cancelled():
                    cancelled = True
                    break
                time.sleep(0.01)
            waited = int((time.monotonic() - started) * 1000)
            if cancelled:
                print("cancel_aware: %s cancelled after %d ms" % (request.request_id(), waited))
                responses.append(pb_utils.InferenceResponse(
                    error=pb_utils.TritonError("request cancelled", pb_utils.TritonError.CANCELLED)))
            else:
                print("cancel_aware: %s finished" % request.request_id())
                responses.append(pb_utils.InferenceResponse(
                    [pb_utils.Tensor("WAITED_MS", np.array([waited], dtype=np.int32))]))
        return responses
