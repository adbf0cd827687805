"""async_stream: decoupled `async def execute` that awaits SLEEP_MS, then answers once and closes.

A negative SLEEP_MS makes the coroutine raise, which answers the request with the Python error. One
instance serves many requests at once: each execute() returns as soon as its coroutine is scheduled.
"""

import asyncio

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    async def execute(self, requests):
        for request in requests:
            sleep_ms = int(pb_utils.get_input_tensor_by_name(request, "SLEEP_MS").as_numpy()[0])
            if sleep_ms < 0:
                raise ValueError("negative sleep %d" % sleep_ms)
            await asyncio.sleep(sleep_ms / 1000)
            slept = pb_utils.Tensor("SLEPT_MS", np.array([sleep_ms], dtype=np.int32))
            request.get_response_sender().send(pb_utils.InferenceResponse([slept]),
                                               flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
        return None
