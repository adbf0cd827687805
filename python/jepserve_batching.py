"""jepserve_batching: stack the request list that execute() receives into numpy batches, and split back.

With dynamic batching, execute(requests) gets several requests, each with its own input tensors. This
module turns them into one array per input, so a model computes once per call instead of once per
request, and then cuts the outputs back into one InferenceResponse per request:

    import jepserve_batching

    def execute(self, requests):
        batch = jepserve_batching.stack(requests, "X")  # rows of every request, in order
        y = batch.array * 2                             # one computation for the whole batch
        return batch.responses({"Y": y})                # one response per request

Shapes: with max_batch_size > 0, dim 0 of each input is that request's batch size; the arrays are
concatenated along it and `sizes` remembers each request's share. With max_batch_size: 0 pass
new_axis=True: each request becomes one row of a new leading axis, removed again when splitting.
Trailing shapes and dtypes must agree, unless pad= is given (ragged inputs are then padded).

This is a jepserve extension, not part of Triton. It uses only the public pb_utils API and numpy, so the
file can be copied next to a model.py to run the same model on Triton.
"""

import numpy as np

import triton_python_backend_utils as pb_utils

__all__ = ["Batch", "stack", "stack_inputs", "split", "responses"]

__version__ = "1"

_RAISE = "raise"
_RESPOND = "respond"


# ---------------------------------------------------------------------------------------------------
# Splitting and responses without a Batch (for callers that keep the sizes themselves)


def split(array, sizes, new_axis=False):
    """Cuts `array` along axis 0 into one view per request.

    sizes: each request's number of rows (its dim-0 size). With new_axis=True every size is 1 and the
    leading axis is dropped from each piece (row i becomes request i's array). Raises
    TritonModelException when the rows do not add up.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError("split(): expected a numpy.ndarray, got %s" % type(array).__name__)
    sizes = [int(n) for n in sizes]
    if new_axis and any(n != 1 for n in sizes):
        raise ValueError("split(): with new_axis=True every request has 1 row, not %s" % sizes)
    total = sum(sizes)
    if array.ndim == 0 or array.shape[0] != total:
        raise pb_utils.TritonModelException(
            "cannot split an array of shape %s into requests of %s rows (%d in all)"
            % (list(array.shape), sizes, total))
    # Views of a C-contiguous array along axis 0 are C-contiguous too, so pb_utils.Tensor takes them
    # without copying; a non-contiguous array is copied once here rather than once per piece.
    array = np.ascontiguousarray(array)
    if new_axis:
        return [array[i, ...] for i in range(total)]  # [i, ...] keeps a 0-d array, never a scalar
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(array[start:start + size])
        start += size
    return pieces


def responses(requests, sizes, outputs, new_axis=False):
    """One pb_utils.InferenceResponse per request, each holding its rows of every output.

    outputs: dict of output name -> array with sum(sizes) rows (or, with new_axis=True, one row per
    request). A value may also be a list with one array (or None, to leave the output out) per request.
    The dtype is kept; object and np.bytes_ arrays become BYTES tensors.
    """
    if len(sizes) != len(requests):
        raise ValueError("responses(): %d sizes for %d requests" % (len(sizes), len(requests)))
    per_request = _split_outputs(outputs, sizes, new_axis, len(requests))
    return [_response(per_request, k) for k in range(len(requests))]


def _split_outputs(outputs, sizes, new_axis, count):
    """dict name -> list of per-request arrays (or None), `count` long."""
    result = {}
    for name, value in outputs.items():
        if isinstance(value, np.ndarray):
            result[name] = split(value, sizes, new_axis)
        elif isinstance(value, (list, tuple)):
            if len(value) != count:
                raise ValueError("output '%s': %d pieces for %d requests" % (name, len(value), count))
            result[name] = list(value)
        else:
            raise TypeError("output '%s': expected a numpy.ndarray or a list of them, got %s"
                            % (name, type(value).__name__))
    return result


def _response(per_request, k):
    tensors = [pb_utils.Tensor(name, pieces[k]) for name, pieces in per_request.items()
               if pieces[k] is not None]
    return pb_utils.InferenceResponse(output_tensors=tensors)


def _error_response(error):
    if not isinstance(error, pb_utils.TritonError):
        error = pb_utils.TritonError(str(error), pb_utils.TritonError.INVALID_ARG)
    return pb_utils.InferenceResponse(output_tensors=[], error=error)


# ---------------------------------------------------------------------------------------------------
# Batch


class Batch:
    """The inputs of a list of requests, stacked along axis 0. Built by stack() or stack_inputs().

    Attributes (all aligned with `requests`, the requests that made it into the batch, in order):
      arrays   dict input name -> stacked array (None when no request made it in)
      sizes    tuple: each request's number of rows
      indices  tuple: each request's position in the list execute() received
      present  dict input name -> tuple of bool: whether the request sent that input (False where a
               default filled it in)
      shapes   dict input name -> tuple: the request's own shape of that input (None where missing)
      errors   dict position in the original list -> pb_utils.TritonError, for requests left out
               (only with on_error="respond")
    """

    def __init__(self, request_count, requests, indices, sizes, arrays, present, shapes, errors, new_axis):
        self.requests = tuple(requests)
        self.indices = tuple(indices)
        self.sizes = tuple(sizes)
        self.arrays = arrays
        self.present = present
        self.shapes = shapes
        self.errors = errors
        self.new_axis = new_axis
        self._request_count = request_count

    @property
    def array(self):
        """The stacked array when the batch holds exactly one input (as from stack())."""
        if len(self.arrays) != 1:
            raise AttributeError("Batch.array needs exactly one input; this batch has %s: use batch[name]"
                                 % sorted(self.arrays))
        return next(iter(self.arrays.values()))

    def __getitem__(self, name):
        return self.arrays[name]

    @property
    def rows(self):
        """Total number of rows: sum(sizes)."""
        return sum(self.sizes)

    def split(self, array, crop_to=None):
        """Cuts an output array (self.rows rows) into one view per request in the batch.

        crop_to: an input name stacked with pad=; each piece is then cut back to that request's own
        shape of the input (for outputs shaped like that input, e.g. element-wise results).
        """
        pieces = split(array, self.sizes, self.new_axis)
        if crop_to is not None:
            pieces = [_crop(piece, shape) for piece, shape in zip(pieces, self.shapes[crop_to])]
        return pieces

    def responses(self, outputs, errors=None):
        """One InferenceResponse for every request execute() received, in its order.

        outputs: as for the module-level responses(). Requests left out of the batch get their error
        response. errors: optional dict position -> TritonError (or str, sent as INVALID_ARG) to fail
        more requests after computing; their rows of the outputs are ignored.
        """
        errors = dict(errors or {})
        for position in errors:
            if position not in self.indices:
                raise ValueError("responses(): request %r is not in the batch" % (position,))
        errors.update(self.errors)
        per_request = _split_outputs(outputs, self.sizes, self.new_axis, len(self.requests))
        result = [None] * self._request_count
        for position, error in errors.items():
            result[position] = _error_response(error)
        for k, position in enumerate(self.indices):
            if result[position] is None:
                result[position] = _response(per_request, k)
        return result

    def __repr__(self):
        shapes = {name: (None if a is None else list(a.shape)) for name, a in self.arrays.items()}
        return "Batch(sizes=%s, arrays=%s, errors=%s)" % (list(self.sizes), shapes, sorted(self.errors))


def _crop(piece, shape):
    """piece cut down to `shape` (same rank), as a contiguous array; None shape leaves it as it is."""
    if shape is None or piece is None:
        return piece
    if piece.ndim != len(shape):
        raise ValueError("crop_to: output piece of shape %s has another rank than the input's %s"
                         % (list(piece.shape), list(shape)))
    return np.ascontiguousarray(piece[tuple(slice(0, n) for n in shape)])


# ---------------------------------------------------------------------------------------------------
# Stacking


_REQUIRED = object()


def stack(requests, name, new_axis=False, default=_REQUIRED, pad=None, on_error=_RAISE):
    """Stacks input `name` of every request; the result's .array is the batch. See stack_inputs()."""
    defaults = {} if default is _REQUIRED else {name: default}
    return stack_inputs(requests, [name], new_axis=new_axis, defaults=defaults, pad=pad, on_error=on_error)


def stack_inputs(requests, names, new_axis=False, defaults=None, pad=None, on_error=_RAISE):
    """Stacks several inputs of every request; all of them share one `sizes`.

    new_axis: the model has no batch dimension (max_batch_size: 0); each request adds one row.
    defaults: dict input name -> value for requests without that input (an optional input). The value
        is broadcast to the request's rows and the input's trailing shape, and cast to the input's dtype;
        give it a dtype (np.float32(0)) for when no request sent the input.
    pad: if given, requests whose trailing shapes differ (same rank) are padded with this value up to
        the largest size in each dimension; otherwise they are an error.
    on_error: "raise" (default) raises TritonModelException naming every bad request, which fails the
        whole batch; "respond" leaves bad requests out and records a TritonError for each in
        Batch.errors, which Batch.responses() sends back while the others succeed.

    A request is bad when it misses a required input, when its inputs disagree on the batch size (dim 0),
    or when an input's dtype or trailing shape differs from the one most requests use.
    """
    if on_error not in (_RAISE, _RESPOND):
        raise ValueError("on_error must be %r or %r, not %r" % (_RAISE, _RESPOND, on_error))
    names = list(names)
    defaults = dict(defaults or {})
    for name in defaults:
        if name not in names:
            raise ValueError("defaults names input %r, which is not among %s" % (name, names))

    problems = {}  # position in requests -> what is wrong with that request
    found = [_read_request(request, names, defaults, new_axis, problems, k) for k, request in enumerate(requests)]
    for name in names:
        _check_agreement(name, found, pad is not None, new_axis, problems)

    if problems and on_error == _RAISE:
        raise pb_utils.TritonModelException("jepserve_batching: %d of %d requests cannot be batched: %s" % (
            len(problems), len(requests),
            "; ".join("%s: %s" % (_describe(requests[k], k), problems[k]) for k in sorted(problems))))

    indices = [k for k in range(len(requests)) if k not in problems]
    kept = [found[k] for k in indices]
    sizes = [1 if new_axis else _batch_size(arrays) for arrays in kept]
    arrays, present, shapes = {}, {}, {}
    for name in names:
        column = [arrays_of_request[name] for arrays_of_request in kept]
        present[name] = tuple(a is not None for a in column)
        shapes[name] = tuple(None if a is None else a.shape for a in column)
        arrays[name] = _stack_column(name, column, sizes, new_axis, defaults.get(name, _REQUIRED), pad)
    errors = {k: pb_utils.TritonError("cannot batch this request: " + message, pb_utils.TritonError.INVALID_ARG)
              for k, message in problems.items()}
    return Batch(len(requests), [requests[k] for k in indices], indices, sizes, arrays, present, shapes,
                 errors, new_axis)


def _describe(request, k):
    """How messages name a request: 'request 2 (id 'abc')', or 'request 2' without an id."""
    request_id = request.request_id()
    return "request %d (id %r)" % (k, request_id) if request_id else "request %d" % k


def _read_request(request, names, defaults, new_axis, problems, k):
    """dict name -> the request's numpy array (None when missing); the first problem goes to problems[k]."""
    arrays = {}
    for name in names:
        array, problem = _read_input(request, name, name in defaults, new_axis)
        arrays[name] = array
        if problem is not None:
            problems.setdefault(k, problem)
    if k not in problems and not new_axis:
        sizes = {name: a.shape[0] for name, a in arrays.items() if a is not None}
        if len(set(sizes.values())) > 1:
            problems[k] = "its inputs disagree on the batch size (dim 0): %s" % (
                ", ".join("'%s' has %d" % item for item in sizes.items()))
        elif not sizes:
            problems[k] = "it has none of the inputs %s, so its batch size is unknown" % names
    return arrays


def _read_input(request, name, optional, new_axis):
    """(array or None, problem text or None) for one input of one request."""
    tensor = pb_utils.get_input_tensor_by_name(request, name)
    if tensor is None:
        return None, (None if optional else "input '%s' is missing" % name)
    try:
        array = tensor.as_numpy()
    except pb_utils.TritonModelException as error:
        return None, "input '%s': %s" % (name, error)
    if array.ndim == 0 and not new_axis:
        return None, ("input '%s' is a scalar, without a batch dimension (models with max_batch_size: 0 "
                      "stack with new_axis=True)" % name)
    return array, None


def _signature(array, ragged, new_axis):
    """What must agree between requests: dtype and trailing shape (only its rank when ragged)."""
    shape = array.shape if new_axis else array.shape[1:]
    return (array.dtype, len(shape) if ragged else shape)


def _check_agreement(name, found, ragged, new_axis, problems):
    """Records a problem for each request whose input `name` differs from the most common signature."""
    counts = {}
    first = {}
    for k, arrays in enumerate(found):
        array = arrays[name]
        if k in problems or array is None:
            continue
        signature = _signature(array, ragged, new_axis)
        counts[signature] = counts.get(signature, 0) + 1
        first.setdefault(signature, k)
    if len(counts) < 2:
        return
    # The majority wins (the earliest on a tie), so one odd request does not fail all the others.
    expected = max(counts, key=lambda s: (counts[s], -first[s]))
    for k, arrays in enumerate(found):
        array = arrays[name]
        if k not in problems and array is not None and _signature(array, ragged, new_axis) != expected:
            problems[k] = _mismatch(name, array, expected, ragged, new_axis)


def _mismatch(name, array, expected, ragged, new_axis):
    """Problem text for an input whose dtype or shape differs from the batch's `expected` signature."""
    dtype, shape = expected
    if array.dtype != dtype:
        return "input '%s' has data type %s, but the other requests in the batch have %s" % (
            name, array.dtype, dtype)
    if ragged:
        return "input '%s' has shape %s, of %d dimensions, but the other requests in the batch have %d" % (
            name, list(array.shape), array.ndim, shape + (0 if new_axis else 1))
    what = "shape" if new_axis else "trailing shape"  # the part after the batch dimension
    return ("input '%s' has shape %s, but the other requests in the batch have %s %s; batched requests "
            "need equal %ss" % (name, list(array.shape), what, list(shape), what))


def _batch_size(arrays):
    for array in arrays.values():
        if array is not None:
            return array.shape[0]
    raise AssertionError("a request without any input passed the checks")


def _stack_column(name, column, sizes, new_axis, default, pad):
    """One input's arrays of all kept requests (None where missing) -> the stacked array."""
    if not column:
        return None
    given = [a for a in column if a is not None]
    if given:
        dtype = given[0].dtype
        trailing = _largest_trailing(given, new_axis)
    else:  # no request sent this optional input: the default alone decides
        dtype = np.asarray(default).dtype
        trailing = np.shape(default)

    # Every piece gets the stacked layout: (its rows,) + its trailing shape.
    pieces = []
    for array, size in zip(column, sizes):
        if array is None:
            pieces.append(_filled(name, default, dtype, size, trailing))
        else:
            pieces.append(array[np.newaxis] if new_axis else array)  # [np.newaxis] is a view

    if pad is not None and any(piece.shape[1:] != trailing for piece in pieces):
        return _padded(pieces, trailing, dtype, pad)
    if len(pieces) == 1:
        # The common unbatched case costs no copy: the array may be the request's own memory, exactly
        # like as_numpy(). A default's broadcast view is read-only and strided, so that one is copied.
        return pieces[0] if column[0] is not None else np.ascontiguousarray(pieces[0])
    return np.concatenate(pieces, axis=0)


def _largest_trailing(arrays, new_axis):
    """The largest size in each trailing dimension (the common trailing shape when they agree)."""
    shapes = [a.shape if new_axis else a.shape[1:] for a in arrays]
    return tuple(max(dims) for dims in zip(*shapes))


def _filled(name, default, dtype, rows, trailing):
    """The rows of a request without input `name`: the default broadcast to (rows,) + trailing."""
    value = np.asarray(default, dtype=dtype)
    try:
        return np.broadcast_to(value, (rows,) + trailing)  # a view; the concatenation copies it
    except ValueError:
        raise ValueError("default for input '%s' has shape %s, which does not broadcast to %s"
                         % (name, list(value.shape), list(trailing))) from None


def _padded(pieces, trailing, dtype, pad):
    """Ragged pieces copied into one array of shape (all rows,) + trailing, filled with `pad` first."""
    rows = sum(piece.shape[0] for piece in pieces)
    out = np.full((rows,) + trailing, pad, dtype=dtype)
    start = 0
    for piece in pieces:  # one block copy per request
        stop = start + piece.shape[0]
        out[(slice(start, stop),) + tuple(slice(0, n) for n in piece.shape[1:])] = piece
        start = stop
    return out
