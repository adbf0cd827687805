"""Sends one request to the add_sub model over HTTP and checks both outputs.

Usage: python examples/add_sub/client.py [--url localhost:8000]
"""

import argparse
import sys

import numpy as np
import tritonclient.http as httpclient

MODEL = "add_sub"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000", help="server HTTP address (host:port)")
    url = parser.parse_args().url

    a = np.random.rand(4).astype(np.float32)
    b = np.random.rand(4).astype(np.float32)
    inputs = [httpclient.InferInput("INPUT0", a.shape, "FP32"), httpclient.InferInput("INPUT1", b.shape, "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    outputs = [httpclient.InferRequestedOutput("OUTPUT0"), httpclient.InferRequestedOutput("OUTPUT1")]

    with httpclient.InferenceServerClient(url) as client:
        result = client.infer(MODEL, inputs, outputs=outputs)

    total, difference = result.as_numpy("OUTPUT0"), result.as_numpy("OUTPUT1")
    print("INPUT0 %s + INPUT1 %s = OUTPUT0 %s" % (a, b, total))
    print("INPUT0 %s - INPUT1 %s = OUTPUT1 %s" % (a, b, difference))
    if not np.allclose(total, a + b) or not np.allclose(difference, a - b):
        print("FAIL: add_sub returned wrong values")
        sys.exit(1)
    print("PASS: add_sub")


if __name__ == "__main__":
    main()
