import time

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            sleep_ms = pb_utils.get_input_tensor_by_name(request, "SLEEP_MS").as_numpy()
            time.sleep(int(sleep_ms.reshape(-1)[0]) / 1000.0)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("SLEPT_MS", sleep_ms)]))
        return responses
