"""Checks bls_sync: add_sub's sum and difference through one BLS hop, and a BLS error passed on.

Usage: python examples/bls_sync/client.py [--url localhost:8000]
"""

import argparse
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL = "bls_sync"


def inputs(a, b, model_name=None):
    tensors = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    tensors[0].set_data_from_numpy(a)
    tensors[1].set_data_from_numpy(b)
    if model_name is not None:
        name = httpclient.InferInput("MODEL_NAME", [1], "BYTES")
        name.set_data_from_numpy(np.array([model_name.encode()], dtype=np.object_))
        tensors.append(name)
    return tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000", help="server HTTP address (host:port)")
    url = parser.parse_args().url

    a = np.array([1, 2, 3, 4], dtype=np.float32)
    b = np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32)
    with httpclient.InferenceServerClient(url) as client:
        result = client.infer(MODEL, inputs(a, b))
        if not (np.allclose(result.as_numpy("OUTPUT0"), a + b) and np.allclose(result.as_numpy("OUTPUT1"), a - b)):
            sys.exit("FAIL: %s: got %s and %s" % (MODEL, result.as_numpy("OUTPUT0"), result.as_numpy("OUTPUT1")))
        try:
            client.infer(MODEL, inputs(a, b, "no_such_model"))
            sys.exit("FAIL: %s: a call to a missing model succeeded" % MODEL)
        except InferenceServerException as error:
            if "Model 'no_such_model' is not ready" not in str(error):
                sys.exit("FAIL: %s: unexpected error %s" % (MODEL, error))
    print("PASS: %s" % MODEL)


if __name__ == "__main__":
    main()
