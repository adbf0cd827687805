import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    """Keeps each request's input array (a view of the server's or the stub's memory) until the next request."""

    def initialize(self, args):
        self.previous = None

    def execute(self, requests):
        responses = []
        for request in requests:
            current = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            previous = current if self.previous is None else self.previous
            self.previous = current
            responses.append(pb_utils.InferenceResponse([
                pb_utils.Tensor("PREVIOUS", previous.copy()),
                pb_utils.Tensor("CURRENT", current.copy()),
            ]))
        return responses
