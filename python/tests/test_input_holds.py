"""jepserve_input_holds: which batches' inputs (views of a stub's input region) a model still references."""

import gc
import threading

import numpy as np

from jepserve_input_holds import InputHolds


def region_view(size=16):
    return np.zeros(size, dtype=np.uint8)


def test_a_batch_whose_inputs_nothing_keeps_is_not_reported_as_kept():
    holds = InputHolds()
    root = holds.track(7, region_view())
    as_float = root.view(np.float32)
    del root, as_float
    assert holds.report(7) == (False, [])


def test_a_kept_view_keeps_the_batch_until_it_is_dropped_then_a_later_report_releases_it():
    holds = InputHolds()
    kept = holds.track(7, region_view()).view(np.float32).reshape(2, 2)[0]
    holds.track(7, region_view())  # the batch's other input, dropped at once
    assert holds.report(7) == (True, [])
    assert holds.report(8) == (False, [])  # still kept: nothing released
    del kept
    assert holds.report(9) == (False, [7])
    assert holds.report(10) == (False, [])  # reported once


def test_views_through_memoryviews_and_asarray_count_as_kept():
    holds = InputHolds()
    root = holds.track(3, region_view())
    kept = np.asarray(memoryview(root[4:8]))
    del root
    assert holds.report(3) == (True, [])
    copied = kept.copy()  # a copy is the model's own memory
    del kept
    assert holds.report(4) == (False, [3])
    assert copied.shape == (4,)


def test_an_array_in_a_reference_cycle_is_released_once_the_cycle_is_collected():
    holds = InputHolds()

    class Node:
        pass

    gc.disable()
    try:
        node = Node()
        node.array = holds.track(5, region_view())
        node.self = node
        del node
        assert holds.report(5) == (True, [])  # the cycle still holds the array
        gc.collect()
        assert holds.report(6) == (False, [5])
    finally:
        gc.enable()


def test_arrays_dropped_on_other_threads_are_released():
    holds = InputHolds()
    arrays = [holds.track(batch, region_view()) for batch in range(20)]
    for batch in range(20):
        assert holds.report(batch)[0] is True

    def drop(part):
        for index in part:
            arrays[index] = None

    threads = [threading.Thread(target=drop, args=(range(start, 20, 4),)) for start in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept, released = holds.report(99)
    assert kept is False
    assert sorted(released) == list(range(20))


def test_the_tracked_array_sees_and_writes_the_region_memory():
    holds = InputHolds()
    region = region_view()
    root = holds.track(1, region)
    region[0] = 42
    assert root[0] == 42
    root[1] = 7
    assert region[1] == 7
