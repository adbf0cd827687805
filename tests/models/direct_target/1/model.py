"""A BLS target whose request parameter "mode" picks what execute() does. DOUBLED is 2 * X (X as read after
the mode ran); SEEN is JSON of what the model saw: its request's id, correlation id, flags, parameters,
requested outputs, is_cancelled(), and the model directory's name as pb_utils reports it while it runs.

Modes: ok, mutate (doubles X in place first), raise, wrong_type (returns a str), undeclared (adds an output
the config does not declare), error_response (a response carrying a TritonError), sender (answers through the
response sender and returns None), late (answers from another thread 0.2 s after returning None), sleep
(sleeps 0.5 s first), wait_cancel (waits up to 10 s for is_cancelled()).
"""

import json
import os
import threading
import time

import numpy as np
import triton_python_backend_utils as pb_utils


def outputs(request, x):
    seen = {
        "id": request.request_id(),
        "correlation_id": request.correlation_id(),
        "flags": request.flags(),
        "parameters": json.loads(request.parameters()),
        "requested": sorted(request.requested_output_names()),
        "cancelled": request.is_cancelled(),
        "model": os.path.basename(os.path.dirname(pb_utils.get_model_dir())),
    }
    return [pb_utils.Tensor("DOUBLED", (x * 2).astype(np.float32)),
            pb_utils.Tensor("SEEN", np.array([json.dumps(seen).encode()], dtype=np.object_))]


class TritonPythonModel:
    def execute(self, requests):
        request = requests[0]
        mode = json.loads(request.parameters()).get("mode", "ok")
        x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
        if mode == "mutate":
            x *= 2
        elif mode == "raise":
            raise ValueError("the target failed on purpose")
        elif mode == "wrong_type":
            return "not a list"
        elif mode == "undeclared":
            extra = pb_utils.Tensor("EXTRA", np.zeros(1, dtype=np.float32))
            return [pb_utils.InferenceResponse(outputs(request, x) + [extra])]
        elif mode == "error_response":
            return [pb_utils.InferenceResponse(error=pb_utils.TritonError("the target says no",
                                                                          pb_utils.TritonError.INVALID_ARG))]
        elif mode == "sender":
            sender = request.get_response_sender()
            sender.send(pb_utils.InferenceResponse(outputs(request, x)),
                        flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
            return None
        elif mode == "late":
            sender = request.get_response_sender()
            answer = pb_utils.InferenceResponse(outputs(request, x.copy()))

            def later():
                time.sleep(0.2)
                sender.send(answer, flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)

            threading.Thread(target=later, daemon=True).start()
            return None
        elif mode == "sleep":
            time.sleep(0.5)
        elif mode == "wait_cancel":
            deadline = time.monotonic() + 10
            while not request.is_cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
        return [pb_utils.InferenceResponse(outputs(request, x))]
