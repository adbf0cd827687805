"""bls_sync: calls another model from execute() with a blocking BLS request (InferenceRequest.exec()).

Its inputs go unchanged to the model named by the optional MODEL_NAME input (add_sub by default); that
model's outputs come back as numpy arrays and are returned as this model's outputs. An error of the called
model (unknown model, bad input) arrives as a response carrying the error, not as an exception, and is
passed on to the client as it is.
"""

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            target = pb_utils.get_input_tensor_by_name(request, "MODEL_NAME")
            model_name = target.as_numpy()[0] if target is not None else "add_sub"
            call = pb_utils.InferenceRequest(
                model_name=model_name,
                inputs=[pb_utils.get_input_tensor_by_name(request, "INPUT0"),
                        pb_utils.get_input_tensor_by_name(request, "INPUT1")],
                requested_output_names=["OUTPUT0", "OUTPUT1"])
            answer = call.exec()
            if answer.has_error():
                responses.append(pb_utils.InferenceResponse(error=answer.error()))
                continue
            outputs = [pb_utils.Tensor(name, pb_utils.get_output_tensor_by_name(answer, name).as_numpy())
                       for name in ("OUTPUT0", "OUTPUT1")]
            responses.append(pb_utils.InferenceResponse(output_tensors=outputs))
        return responses
