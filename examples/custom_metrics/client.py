"""Calls the custom_metrics model, checks its outputs, then checks that its counter is on /metrics.

Usage: python examples/custom_metrics/client.py [--url localhost:8000] [--metrics-url http://localhost:8002/metrics]
(tritonserver's default ports).
"""

import argparse
import sys

import numpy as np
import requests
import tritonclient.http as httpclient

MODEL = "custom_metrics"
EXPECTED_LINES = [
    "# HELP requests_process_latency_ns Cumulative time spent processing requests",
    "# TYPE requests_process_latency_ns counter",
    'requests_process_latency_ns{model="custom_metrics",version="1"}',
]


def check_inference(client):
    in0 = np.random.randn(4).astype(np.float32)
    in1 = np.random.randn(4).astype(np.float32)
    inputs = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    inputs[0].set_data_from_numpy(in0)
    inputs[1].set_data_from_numpy(in1)
    outputs = [httpclient.InferRequestedOutput("OUTPUT0"), httpclient.InferRequestedOutput("OUTPUT1")]
    result = client.infer(MODEL, inputs, request_id="1", outputs=outputs)
    if not np.allclose(result.as_numpy("OUTPUT0"), in0 + in1):
        print("custom_metrics example error: OUTPUT0 is not INPUT0 + INPUT1")
        sys.exit(1)
    if not np.allclose(result.as_numpy("OUTPUT1"), in0 - in1):
        print("custom_metrics example error: OUTPUT1 is not INPUT0 - INPUT1")
        sys.exit(1)


def check_metrics(metrics_url):
    reply = requests.get(metrics_url)
    reply.raise_for_status()
    for line in EXPECTED_LINES:
        if line not in reply.text:
            print("custom_metrics example error: '{}' not found in metrics".format(line))
            sys.exit(1)
        print("custom_metrics example: found pattern '{}' in metrics".format(line))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000", help="server HTTP address (host:port)")
    parser.add_argument("--metrics-url", default="http://localhost:8002/metrics", help="the metrics endpoint")
    arguments = parser.parse_args()
    with httpclient.InferenceServerClient(arguments.url) as client:
        check_inference(client)
    check_metrics(arguments.metrics_url)
    print("PASS: custom_metrics")


if __name__ == "__main__":
    main()
