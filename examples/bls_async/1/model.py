"""bls_async: an `async def execute` that calls two models concurrently.

For each request it sends the same inputs to add_sub and to custom_metrics with InferenceRequest.async_exec()
and awaits both with asyncio.gather, then returns OUTPUT0 = add_sub's sum and OUTPUT1 = custom_metrics'
difference. Either call's error is passed on.
"""

import asyncio

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    async def execute(self, requests):
        return list(await asyncio.gather(*(self.answer(request) for request in requests)))

    async def answer(self, request):
        inputs = [pb_utils.get_input_tensor_by_name(request, "INPUT0"),
                  pb_utils.get_input_tensor_by_name(request, "INPUT1")]
        calls = [pb_utils.InferenceRequest(model_name=name, inputs=inputs,
                                           requested_output_names=["OUTPUT0", "OUTPUT1"])
                 for name in ("add_sub", "custom_metrics")]
        add_sub, custom_metrics = await asyncio.gather(*(call.async_exec() for call in calls))
        for answer in (add_sub, custom_metrics):
            if answer.has_error():
                return pb_utils.InferenceResponse(error=answer.error())
        total = pb_utils.get_output_tensor_by_name(add_sub, "OUTPUT0").as_numpy()
        difference = pb_utils.get_output_tensor_by_name(custom_metrics, "OUTPUT1").as_numpy()
        return pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor("OUTPUT0", total),
                                                          pb_utils.Tensor("OUTPUT1", difference)])
