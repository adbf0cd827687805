"""pb_utils.Tensor: construction checks, accessors, the runtime wire contract and DLPack."""

import numpy as np
import pytest

import triton_python_backend_utils as pb_utils

FIXED_TYPES = [(1, np.bool_), (2, np.uint8), (3, np.uint16), (4, np.uint32), (5, np.uint64), (6, np.int8),
               (7, np.int16), (8, np.int32), (9, np.int64), (10, np.float16), (11, np.float32),
               (12, np.float64)]


def _sample(numpy_type, shape):
    count = int(np.prod(shape))
    if numpy_type is np.bool_:
        return (np.arange(count) % 3 == 0).reshape(shape)
    return (np.arange(count) * 3 + 1).astype(numpy_type).reshape(shape)


def _wire(data):
    """A writable 1-D uint8 array, as the runtime hands over."""
    return np.frombuffer(bytearray(data), dtype=np.uint8)


# ----------------------------------------------------------------------------- construction


def test_argument_validation_like_triton():
    array = np.asarray([1, 2], dtype=np.int32)
    with pytest.raises(TypeError):
        pb_utils.Tensor(None, array)
    with pytest.raises(TypeError):
        pb_utils.Tensor("OUTPUT0", None)
    with pytest.raises(TypeError):
        pb_utils.Tensor("", None)
    with pytest.raises(TypeError):
        pb_utils.Tensor("OUTPUT0", [1, 2])  # pybind's py::array takes ndarrays only
    with pytest.raises(pb_utils.TritonModelException, match="Tensor name cannot be an empty string."):
        pb_utils.Tensor("", array)


@pytest.mark.parametrize("array", [np.array(["a", "b"]), np.array([1 + 2j]), np.array([1, 2], dtype=">i4"),
                                   np.zeros(2, dtype=[("a", "i4")]), np.array(["2020-01-01"], dtype="M8[D]")])
def test_unsupported_dtypes(array):
    with pytest.raises(pb_utils.TritonModelException, match="NumPy dtype is not supported."):
        pb_utils.Tensor("X", array)


@pytest.mark.parametrize("code, numpy_type", FIXED_TYPES)
def test_fixed_size_tensor(code, numpy_type):
    array = _sample(numpy_type, (2, 3))
    tensor = pb_utils.Tensor("OUT", array)
    assert tensor.name() == "OUT"
    assert tensor.triton_dtype() == code
    assert tensor.shape() == [2, 3] and all(type(d) is int for d in tensor.shape())
    assert tensor.is_cpu() is True
    assert tensor.as_numpy() is array  # outputs keep the caller's array, as Triton does


def test_shape_returns_a_fresh_list():
    tensor = pb_utils.Tensor("X", np.zeros((2, 2), dtype=np.float32))
    tensor.shape().append(7)
    assert tensor.shape() == [2, 2]


def test_scalar_and_empty_shapes():
    assert pb_utils.Tensor("X", np.array(5, dtype=np.int64)).shape() == []
    assert pb_utils.Tensor("X", np.zeros((0, 4), dtype=np.float32)).shape() == [0, 4]


def test_non_contiguous_arrays_are_made_contiguous():
    base = np.arange(12, dtype=np.int32).reshape(3, 4)
    tensor = pb_utils.Tensor("X", base.T)
    assert tensor.as_numpy().flags.c_contiguous
    np.testing.assert_array_equal(tensor.as_numpy(), base.T)
    assert tensor.shape() == [4, 3]
    assert tensor._wire_bytes() == np.ascontiguousarray(base.T).tobytes()


def test_bytes_tensors_from_object_and_bytes_arrays():
    objects = np.array([b"a", "b", 3], dtype=np.object_)
    tensor = pb_utils.Tensor("S", objects)
    assert tensor.triton_dtype() == 13
    assert tensor.as_numpy() is objects
    fixed = np.array([b"xy", b"z"], dtype=np.bytes_)
    tensor = pb_utils.Tensor("S", fixed)
    assert tensor.triton_dtype() == 13
    assert tensor._wire_bytes() == b"\x02\x00\x00\x00xy\x01\x00\x00\x00z"


def test_bytes_tensor_is_serialized_when_built():
    array = np.array([b"before"], dtype=np.object_)
    tensor = pb_utils.Tensor("S", array)
    array[0] = b"after"
    assert tensor._wire_bytes() == b"\x06\x00\x00\x00before"


def test_empty_bytes_tensor_wire_bytes_is_empty():
    tensor = pb_utils.Tensor("S", np.zeros((0, 3), dtype=np.object_))
    assert tensor._wire_bytes() == b""
    assert tensor.shape() == [0, 3]


# ----------------------------------------------------------------------------- wire contract


@pytest.mark.parametrize("code, numpy_type", FIXED_TYPES)
def test_output_then_input_round_trip_for_every_fixed_type(code, numpy_type):
    array = _sample(numpy_type, (2, 3))
    out = pb_utils.Tensor("OUT", array)
    data = out._wire_bytes()
    assert bytes(data) == array.astype(array.dtype.newbyteorder("<")).tobytes()
    tensor = pb_utils.Tensor._from_wire("IN", out.triton_dtype(), out.shape(), _wire(data))
    assert tensor.name() == "IN" and tensor.triton_dtype() == code and tensor.shape() == [2, 3]
    result = tensor.as_numpy()
    assert result.dtype == np.dtype(numpy_type)
    np.testing.assert_array_equal(result, array)
    assert bytes(tensor._wire_bytes()) == bytes(data)


def test_input_as_numpy_is_a_cached_zero_copy_view():
    buffer = _wire(np.arange(6, dtype=np.float32).tobytes())
    tensor = pb_utils.Tensor._from_wire("IN", 11, [2, 3], buffer)
    array = tensor.as_numpy()
    assert np.shares_memory(array, buffer)
    assert tensor.as_numpy() is array
    array[0, 0] = 42.0  # a model editing its input in place edits the buffer
    assert np.frombuffer(tensor._wire_bytes(), dtype=np.float32)[0] == 42.0


def test_input_shape_does_not_decode():
    tensor = pb_utils.Tensor._from_wire("IN", 13, [3], _wire(b"garbage"))
    assert tensor.shape() == [3]
    assert tensor.triton_dtype() == 13
    with pytest.raises(pb_utils.TritonModelException):
        tensor.as_numpy()


def test_bool_input_is_numpy_bool():
    tensor = pb_utils.Tensor._from_wire("B", 1, [4], _wire(b"\x01\x00\x00\x01"))
    result = tensor.as_numpy()
    assert result.dtype == np.bool_
    assert result.tolist() == [True, False, False, True]


@pytest.mark.parametrize("shape", [[4], [2, 2], [1, 2, 2], [0], [2, 0, 3]])
def test_bytes_round_trip_multi_dim_and_empty(shape):
    count = int(np.prod(shape))
    values = [("item%d" % i).encode() * (i % 3) for i in range(count)]
    array = np.array(values + [None], dtype=np.object_)[:count].reshape(shape)
    out = pb_utils.Tensor("OUT", array)
    tensor = pb_utils.Tensor._from_wire("IN", 13, out.shape(), _wire(out._wire_bytes()))
    result = tensor.as_numpy()
    assert result.dtype == np.object_ and list(result.shape) == shape
    assert all(type(item) is bytes for item in result.flat)
    assert result.reshape(-1).tolist() == values


def test_bytes_input_with_wrong_element_count_raises():
    data = pb_utils.serialize_byte_tensor(np.array([b"a", b"b"], dtype=np.object_))
    tensor = pb_utils.Tensor._from_wire("IN", 13, [3], _wire(data))
    with pytest.raises(pb_utils.TritonModelException, match="holds 2 elements"):
        tensor.as_numpy()


def test_fixed_input_with_wrong_size_raises():
    tensor = pb_utils.Tensor._from_wire("IN", 11, [3], _wire(b"\x00" * 8))
    with pytest.raises(pb_utils.TritonModelException, match="do not match shape"):
        tensor.as_numpy()


def test_bf16_input_keeps_its_bytes_but_has_no_numpy_view():
    tensor = pb_utils.Tensor._from_wire("IN", 14, [2], _wire(b"\x80\x3f\x00\x40"))
    assert tensor.triton_dtype() == 14
    assert bytes(tensor._wire_bytes()) == b"\x80\x3f\x00\x40"
    with pytest.raises(pb_utils.TritonModelException, match="BF16"):
        tensor.as_numpy()


def test_input_tensor_passed_through_as_output_keeps_its_bytes():
    data = pb_utils.serialize_byte_tensor(np.array([b"q"], dtype=np.object_))
    tensor = pb_utils.Tensor._from_wire("IN", 13, [1], _wire(data))
    tensor.as_numpy()
    response = pb_utils.InferenceResponse([tensor])
    assert bytes(response.output_tensors()[0]._wire_bytes()) == data


def test_wire_view_matches_wire_bytes():
    for tensor in (pb_utils.Tensor("A", np.arange(5, dtype=np.int16)),
                   pb_utils.Tensor("B", np.array([b"xy"], dtype=np.object_)),
                   pb_utils.Tensor("C", np.array(3.5, dtype=np.float64)),
                   pb_utils.Tensor._from_wire("D", 2, [2], _wire(b"\x01\x02"))):
        view = tensor._wire_view()
        assert view.dtype == np.uint8 and view.ndim == 1
        assert view.tobytes() == bytes(tensor._wire_bytes())


# ----------------------------------------------------------------------------- DLPack


def test_from_dlpack_argument_checks():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.Tensor.from_dlpack("OUTPUT0", None)
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.Tensor.from_dlpack("", None)
    with pytest.raises(pb_utils.TritonModelException, match="empty string"):
        pb_utils.Tensor.from_dlpack("", np.zeros(2))
    with pytest.raises(TypeError):
        pb_utils.Tensor.from_dlpack(None, np.zeros(2))


def test_dlpack_round_trips_share_memory():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    tensor = pb_utils.Tensor("X", array)
    from_capsule = pb_utils.Tensor.from_dlpack("Y", tensor.to_dlpack())
    assert from_capsule.name() == "Y" and from_capsule.shape() == [2, 3] and from_capsule.triton_dtype() == 11
    assert np.shares_memory(from_capsule.as_numpy(), array)
    from_object = pb_utils.Tensor.from_dlpack("Z", tensor)  # through __dlpack__/__dlpack_device__
    assert np.shares_memory(from_object.as_numpy(), array)
    assert tensor.__dlpack_device__() == (1, 0)
    np.testing.assert_array_equal(np.from_dlpack(tensor), array)


def test_dlpack_of_input_tensor_and_bool():
    tensor = pb_utils.Tensor._from_wire("IN", 9, [2], _wire(np.array([7, 8], dtype=np.int64).tobytes()))
    assert np.from_dlpack(tensor).tolist() == [7, 8]
    flags = pb_utils.Tensor("B", np.array([True, False]))
    assert pb_utils.Tensor.from_dlpack("B2", flags.to_dlpack()).as_numpy().tolist() == [True, False]


def test_dlpack_of_read_only_array():
    array = np.arange(3, dtype=np.int32)
    array.flags.writeable = False
    tensor = pb_utils.Tensor("X", array)
    assert pb_utils.Tensor.from_dlpack("Y", tensor.to_dlpack()).as_numpy().tolist() == [0, 1, 2]
    assert np.from_dlpack(tensor).tolist() == [0, 1, 2]


def test_dlpack_rejects_bytes_and_non_contiguous():
    tensor = pb_utils.Tensor("S", np.array([b"a"], dtype=np.object_))
    with pytest.raises(pb_utils.TritonModelException, match="string tensors"):
        tensor.to_dlpack()
    strided = np.arange(12, dtype=np.float64).reshape(3, 4)[:, ::2]
    with pytest.raises(pb_utils.TritonModelException, match="not contiguous"):
        pb_utils.Tensor.from_dlpack("X", strided)
