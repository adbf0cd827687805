"""A twin model: answers which utils.py and which model.py it imported by plain `import`."""

import numpy as np
import triton_python_backend_utils as pb_utils

import utils

MARK = utils.OWNER + "/model.py"


class TritonPythonModel:
    def execute(self, requests):
        import model  # a model's own file, as upstream QA models import it for their unittest runners
        text = "%s %s" % (utils.OWNER, model.MARK)
        tensor = pb_utils.Tensor("TEXT", np.array([text.encode()], dtype=np.object_))
        return [pb_utils.InferenceResponse([tensor]) for _ in requests]
