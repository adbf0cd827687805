"""Which batches' input memory Python still references (jepserve's own module; models never import it).

In a stub process a batch's inputs are views of the shared-memory input region, and the server writes later
batches into space it gets back. A model may keep an input array past its request (the previous request's
tensor, a cache): the server must not reuse that space while the array lives. Each input handed to the model
is rooted in a memoryview of its own, weakly referenced here; every view the model derives from the input
keeps that memoryview alive. When execute() is over, the batch is reported as kept if any root still lives,
and once the last one dies, the batch is reported as released with a later execution-done message.
"""

import threading
import weakref
from collections import deque

import numpy as np


class InputHolds:
    """The stub's record of input roots per batch handle. Thread-safe: execute() and an `async def execute`'s
    loop thread report; weakref callbacks run on whichever thread drops the last reference."""

    def __init__(self):
        self._lock = threading.Lock()
        self._live = {}            # batch handle -> number of input roots still alive
        self._reported_kept = set()
        self._released = []        # batches reported as kept whose roots are all gone, not reported yet
        self._refs = {}            # the weak references themselves by id (a memoryview has no hash), kept alive
                                   # until they fire
        # Filled by weakref callbacks, which take no lock: a callback may run inside report() itself (a
        # garbage collection triggered there), and a deque's append is safe from any thread at any time.
        self._dropped = deque()

    def track(self, batch, buffer):
        """A uint8 array over the same memory as buffer (a view of the input region), rooted in a memoryview
        whose death means no array of the model sees that memory any more."""
        root = np.frombuffer(memoryview(buffer), np.uint8)
        dropped, refs = self._dropped, self._refs
        ref = weakref.ref(root.base, lambda gone: (dropped.append(batch), refs.pop(id(gone), None)))
        with self._lock:
            refs[id(ref)] = ref
            self._live[batch] = self._live.get(batch, 0) + 1
        return root

    def report(self, batch):
        """Once execute() is over and the runtime dropped its own references to the batch's inputs: whether
        the batch's input memory is still referenced, and the batches reported as kept earlier that are not
        any more (a list of handles)."""
        with self._lock:
            self._settle()
            kept = batch in self._live
            if kept:
                self._reported_kept.add(batch)
            released, self._released = self._released, []
        return kept, released

    def _settle(self):
        while True:
            try:
                batch = self._dropped.popleft()
            except IndexError:
                return
            remaining = self._live.get(batch, 0) - 1
            if remaining > 0:
                self._live[batch] = remaining
                continue
            self._live.pop(batch, None)
            if batch in self._reported_kept:
                self._reported_kept.discard(batch)
                self._released.append(batch)
