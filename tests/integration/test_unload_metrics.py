"""A model's metric series (custom and nv_*) leave /metrics when it unloads (here: at shutdown).

Models unload in name order; unload_metrics_z's finalize() holds the server in its unload phase for a few
seconds after unload_metrics_a is gone, while the metrics endpoint still answers.
"""

import numpy as np
import requests
import tritonclient.http as httpclient

from jepserve_process import TEST_MODELS, JepServe, make_repository


def test_series_of_an_unloaded_model_are_removed():
    repository = make_repository(TEST_MODELS / "unload_metrics_a", TEST_MODELS / "unload_metrics_z")
    server = JepServe([repository]).wait_live()
    try:
        with httpclient.InferenceServerClient(server.url) as client:
            inp = httpclient.InferInput("X", [1], "INT32")
            inp.set_data_from_numpy(np.array([1], dtype=np.int32))
            for _ in range(3):
                client.infer("unload_metrics_a", [inp])
        before = requests.get(server.metrics_url).text
        assert 'unload_test_requests{model="unload_metrics_a"} 3' in before
        assert 'nv_inference_request_success{model="unload_metrics_a",version="1"} 3' in before

        server.process.terminate()
        assert server.wait_for_output("unload_metrics_z: finalize started", timeout=20), server.output
        during = requests.get(server.metrics_url, timeout=5).text
        # Both instances shared the series; it went with the model, and so did the nv_* series.
        assert "unload_test_requests{" not in during
        assert 'model="unload_metrics_a"' not in during
        # The model still unloading keeps its series until it is gone.
        assert 'nv_inference_request_success{model="unload_metrics_z",version="1"} 0' in during
    finally:
        server.stop()
