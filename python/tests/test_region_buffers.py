"""jepserve_runtime._region_buffers: a stub batch's inputs as slices of its input region, rooted once per batch."""

import numpy as np

import jepserve_runtime
from jepserve_input_holds import InputHolds


class _Instance:
    def __init__(self):
        self.input_holds = InputHolds()


def test_buffers_are_views_of_the_region_at_their_offsets_and_empty_tensors_are_none(monkeypatch):
    region = np.arange(64, dtype=np.uint8)
    monkeypatch.setattr(jepserve_runtime, "_input_region", region)
    buffers = jepserve_runtime._region_buffers(_Instance(), 5, "16 8 0 0 40 4")
    assert buffers[0].tolist() == list(range(16, 24))
    assert buffers[1] is None
    assert buffers[2].tolist() == [40, 41, 42, 43]
    region[17] = 200  # a view, not a copy
    assert buffers[0][1] == 200


def test_one_kept_input_keeps_the_batch_and_dropping_it_releases_the_batch(monkeypatch):
    monkeypatch.setattr(jepserve_runtime, "_input_region", np.zeros(64, dtype=np.uint8))
    instance = _Instance()
    first, second = jepserve_runtime._region_buffers(instance, 5, "0 8 8 8")
    kept = first.view(np.float32)
    del first, second
    assert instance.input_holds.report(5) == (True, [])
    del kept
    assert instance.input_holds.report(6) == (False, [5])


def test_a_batch_of_empty_tensors_tracks_nothing(monkeypatch):
    monkeypatch.setattr(jepserve_runtime, "_input_region", np.zeros(8, dtype=np.uint8))
    instance = _Instance()
    assert jepserve_runtime._region_buffers(instance, 5, "0 0 0 0") == [None, None]
    assert instance.input_holds.report(5) == (False, [])
