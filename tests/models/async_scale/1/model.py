"""async_scale: `async def execute` in a non-decoupled model. Y = 2 * X, after awaiting SLEEP seconds
(X's first element when negative: the coroutine raises, which fails the request with the Python error)."""

import asyncio

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    async def execute(self, requests):
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            await asyncio.sleep(0.05)
            if x.size and x[0] < 0:
                raise ValueError("negative input %s" % x[0])
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", x * 2)]))
        return responses
