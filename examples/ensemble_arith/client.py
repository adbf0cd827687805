"""Checks the ensemble_arith ensemble over HTTP and gRPC: SUM = A+B, DIFF = A-B and RESULT = -2B (four steps,
one fan-out, one join), and that its statistics count the requests.

Usage: python examples/ensemble_arith/client.py [--url localhost:8000] [--grpc-url localhost:8001]
"""

import argparse
import sys

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

MODEL = "ensemble_arith"


def check(module, client, a, b):
    tensors = [module.InferInput("A", [4], "FP32"), module.InferInput("B", [4], "FP32")]
    tensors[0].set_data_from_numpy(a)
    tensors[1].set_data_from_numpy(b)
    result = client.infer(MODEL, tensors)
    got = {name: result.as_numpy(name) for name in ("SUM", "DIFF", "RESULT")}
    expected = {"SUM": a + b, "DIFF": a - b, "RESULT": -2 * b}
    for name, value in expected.items():
        if not np.allclose(got[name], value):
            sys.exit("FAIL: %s: %s is %s, expected %s" % (MODEL, name, got[name], value))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000", help="server HTTP address (host:port)")
    parser.add_argument("--grpc-url", default=None, help="server gRPC address (host:port); skipped when not given")
    args = parser.parse_args()

    a = np.array([1, 2, 3, 4], dtype=np.float32)
    b = np.array([0.5, 1.5, -2, 8], dtype=np.float32)
    with httpclient.InferenceServerClient(args.url) as client:
        before = client.get_inference_statistics(MODEL)["model_stats"][0]["inference_stats"]["success"]["count"]
        check(httpclient, client, a, b)
        if args.grpc_url:
            with grpcclient.InferenceServerClient(args.grpc_url) as grpc:
                check(grpcclient, grpc, b, a)
        after = client.get_inference_statistics(MODEL)["model_stats"][0]["inference_stats"]["success"]["count"]
        expected = 2 if args.grpc_url else 1
        if after - before != expected:
            sys.exit("FAIL: %s: statistics counted %d successes, expected %d" % (MODEL, after - before, expected))
    print("PASS: %s" % MODEL)


if __name__ == "__main__":
    main()
