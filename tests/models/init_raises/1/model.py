import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        raise RuntimeError("weights file is missing for " + args["model_name"])

    def execute(self, requests):
        return [pb_utils.InferenceResponse([]) for _ in requests]
