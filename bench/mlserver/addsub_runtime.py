"""The add/sub benchmark models as an MLServer custom runtime (Open Inference / V2 protocol).

OUTPUT0 = INPUT0 + INPUT1 and OUTPUT1 = INPUT0 - INPUT1 on FP32 vectors, like the examples'
custom_metrics model and bench/models/add_sub_4mb. AddSubWithMetric also records its processing time
in a custom metric, as custom_metrics does (MLServer's custom metrics are histograms).

perf_analyzer (service kind "triton") reads GET /v2/models/<name>/config, which MLServer does not
have; each model serves a Triton-style config built from its model-settings.json on that path
through MLServer's custom-handler hook, so perf_analyzer can drive MLServer unchanged.
"""

import time

import mlserver
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.handlers import custom_handler
from mlserver.types import InferenceRequest, InferenceResponse


class AddSub(MLModel):
    async def load(self) -> bool:
        config = {
            "name": self.name,
            "max_batch_size": 0,
            "input": [_tensor_config(t) for t in self.settings.inputs],
            "output": [_tensor_config(t) for t in self.settings.outputs],
        }
        self._triton_config = config
        return True

    def _add_sub(self, request: InferenceRequest) -> InferenceResponse:
        inputs = {i.name: NumpyCodec.decode_input(i) for i in request.inputs}
        a, b = inputs["INPUT0"], inputs["INPUT1"]
        return InferenceResponse(model_name=self.name, id=request.id, outputs=[
            NumpyCodec.encode_output("OUTPUT0", a + b),
            NumpyCodec.encode_output("OUTPUT1", a - b),
        ])

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        return self._add_sub(payload)


class AddSubWithMetric(AddSub):
    async def load(self) -> bool:
        mlserver.register("requests_process_latency_ns", "Time spent processing requests")
        return await super().load()

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        started = time.time_ns()
        response = self._add_sub(payload)
        mlserver.log(requests_process_latency_ns=time.time_ns() - started)
        return response


def _tensor_config(tensor):
    return {"name": tensor.name, "data_type": "TYPE_" + tensor.datatype, "dims": list(tensor.shape)}


def _config_route(model_name):
    """A subclass of runtime whose GET /v2/models/<model_name>/config returns the Triton-style config."""
    class WithConfig:
        @custom_handler(rest_path="/v2/models/%s/config" % model_name, rest_method="GET")
        async def triton_config(self) -> dict:
            return self._triton_config
    return WithConfig


class CustomMetrics(_config_route("custom_metrics"), AddSubWithMetric):
    pass


class AddSub4MB(_config_route("add_sub_4mb"), AddSub):
    pass
