"""self_caller: IN 0 answers 0; any other IN calls this model itself with IN 0 (BLS) and answers its result,
or raises the BLS error (a cancelled call, when the caller's own request timed out)."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            value = int(pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()[0])
            if value == 0:
                responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("OUT", np.array([0], dtype=np.int32))]))
                continue
            print("self_caller: calling itself", flush=True)
            inner = pb_utils.InferenceRequest(model_name="self_caller",
                                              inputs=[pb_utils.Tensor("IN", np.array([0], dtype=np.int32))],
                                              requested_output_names=["OUT"]).exec()
            if inner.has_error():
                print("self_caller: the call to itself ended: %s" % inner.error().message(), flush=True)
                responses.append(pb_utils.InferenceResponse(error=inner.error()))
            else:
                responses.append(inner)
        return responses
