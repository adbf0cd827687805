"""Y = X * 2 computed once for all requests of an execute() call, through jepserve_batching.

LABEL (optional, BYTES) comes back upper-cased as LABEL_UPPER, only to the requests that sent it.
BATCH_ROWS is the number of rows stacked in the execute() call that answered the request.
"""

import numpy as np

import jepserve_batching

# Applies bytes.upper to each element of an object array, keeping its shape.
_upper = np.frompyfunc(bytes.upper, 1, 1)


class TritonPythonModel:
    def execute(self, requests):
        batch = jepserve_batching.stack_inputs(
            requests, ["X", "LABEL"], defaults={"LABEL": np.array([b""], dtype=np.object_)},
            on_error="respond")
        if not batch.requests:  # every request was rejected: answer each with its error
            return batch.responses({})

        y = batch["X"] * np.float32(2)
        labels = batch.split(_upper(batch["LABEL"]).astype(np.object_))
        labels = [piece if sent else None for piece, sent in zip(labels, batch.present["LABEL"])]
        rows = np.full((batch.rows, 1), batch.rows, dtype=np.int32)
        return batch.responses({"Y": y, "LABEL_UPPER": labels, "BATCH_ROWS": rows})
