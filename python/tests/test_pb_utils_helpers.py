"""Constants and pure helper functions of pb_utils."""

import json
import struct

import numpy as np
import pytest

import jepserve_context
import triton_python_backend_utils as pb_utils


def test_module_exposes_json_struct_numpy_and_constants():
    assert pb_utils.json is json and pb_utils.struct is struct and pb_utils.np is np
    assert pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_START == 1
    assert pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_END == 2
    assert pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL == 1
    assert pb_utils.TRITONSERVER_REQUEST_RELEASE_ALL == 1
    assert pb_utils.TRITONSERVER_REQUEST_RELEASE_RESCHEDULE == 2


def test_every_triton_name_is_present():
    names = ["TRITON_STRING_TO_NUMPY", "serialize_byte_tensor", "deserialize_bytes_tensor",
             "get_input_tensor_by_name", "get_output_tensor_by_name", "get_input_config_by_name",
             "get_output_config_by_name", "using_decoupled_model_transaction_policy", "triton_to_numpy_type",
             "numpy_to_triton_type", "triton_string_to_numpy", "ModelConfig", "Tensor", "InferenceRequest",
             "InferenceResponse", "TritonError", "TritonModelException", "Logger", "PreferredMemory",
             "TRITONSERVER_MEMORY_GPU", "TRITONSERVER_MEMORY_CPU", "load_model", "unload_model",
             "is_model_ready", "get_model_dir"]
    missing = [n for n in names if not hasattr(pb_utils, n)]
    assert missing == []


def test_triton_model_exception_is_the_context_class():
    assert pb_utils.TritonModelException is jepserve_context.TritonModelException


def test_string_to_numpy_table():
    table = pb_utils.TRITON_STRING_TO_NUMPY
    assert table["TYPE_BOOL"] is bool
    assert table["TYPE_FP16"] is np.float16
    assert table["TYPE_STRING"] is np.object_
    assert table["TYPE_UINT64"] is np.uint64
    assert "TYPE_BF16" not in table
    assert len(table) == 13
    assert pb_utils.triton_string_to_numpy("TYPE_INT32") is np.int32
    with pytest.raises(KeyError):
        pb_utils.triton_string_to_numpy("TYPE_BF16")


def test_triton_to_numpy_type():
    expected = [np.bool_, np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64,
                np.float16, np.float32, np.float64, np.object_]
    assert [pb_utils.triton_to_numpy_type(code) for code in range(1, 14)] == expected
    assert pb_utils.triton_to_numpy_type(14) is None
    assert pb_utils.triton_to_numpy_type(0) is None


def test_numpy_to_triton_type():
    for code in range(1, 13):
        numpy_type = pb_utils.triton_to_numpy_type(code)
        assert pb_utils.numpy_to_triton_type(numpy_type) == code
        assert pb_utils.numpy_to_triton_type(np.dtype(numpy_type)) == code
    assert pb_utils.numpy_to_triton_type(np.object_) == 13
    assert pb_utils.numpy_to_triton_type(np.bytes_) == 13
    assert pb_utils.numpy_to_triton_type(np.str_) is None
    assert pb_utils.numpy_to_triton_type(np.complex64) is None


def test_serialize_byte_tensor_formats():
    array = np.array([b"ab", "c\u00e9", 7, b""], dtype=np.object_)
    encoded = pb_utils.serialize_byte_tensor(array)
    assert isinstance(encoded, bytes)
    assert encoded == (b"\x02\x00\x00\x00ab" + b"\x03\x00\x00\x00c\xc3\xa9" + b"\x01\x00\x00\x007"
                       + b"\x00\x00\x00\x00")


def test_serialize_byte_tensor_walks_c_order():
    array = np.array([[b"a", b"b"], [b"c", b"d"]], dtype=np.object_).T  # Fortran-ordered view
    encoded = pb_utils.serialize_byte_tensor(array)
    assert list(pb_utils.deserialize_bytes_tensor(encoded)) == [b"a", b"c", b"b", b"d"]


def test_serialize_byte_tensor_bytes_dtype_strips_trailing_nuls():
    array = np.array([b"ab\x00", b"c"], dtype="S3")
    assert pb_utils.serialize_byte_tensor(array) == b"\x02\x00\x00\x00ab\x01\x00\x00\x00c"


def test_serialize_byte_tensor_empty_and_other_dtypes():
    assert pb_utils.serialize_byte_tensor(np.array([], dtype=np.object_)) == ()
    assert pb_utils.serialize_byte_tensor(np.zeros((2, 0), dtype=np.object_)) == ()
    assert pb_utils.serialize_byte_tensor(np.array([1, 2], dtype=np.int32)) is None


def test_deserialize_bytes_tensor():
    encoded = pb_utils.serialize_byte_tensor(np.array([b"x", b"", b"yz"], dtype=np.object_))
    for source in (encoded, np.frombuffer(encoded, dtype=np.uint8), bytearray(encoded)):
        decoded = pb_utils.deserialize_bytes_tensor(source)
        assert decoded.dtype == np.object_ and decoded.ndim == 1
        assert list(decoded) == [b"x", b"", b"yz"]
        assert all(type(item) is bytes for item in decoded)
    assert pb_utils.deserialize_bytes_tensor(b"").shape == (0,)


def test_deserialize_equal_length_elements_stays_one_dimensional():
    encoded = pb_utils.serialize_byte_tensor(np.array([b"ab", b"cd"], dtype=np.object_))
    assert pb_utils.deserialize_bytes_tensor(encoded).shape == (2,)


def test_deserialize_truncated_data_raises():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.deserialize_bytes_tensor(b"\x05\x00\x00\x00ab")
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.deserialize_bytes_tensor(b"\x01\x00")


def test_config_lookups():
    config = {"input": [{"name": "A", "data_type": "TYPE_FP32"}], "output": [{"name": "B"}]}
    assert pb_utils.get_input_config_by_name(config, "A")["data_type"] == "TYPE_FP32"
    assert pb_utils.get_input_config_by_name(config, "B") is None
    assert pb_utils.get_output_config_by_name(config, "B") == {"name": "B"}
    assert pb_utils.get_output_config_by_name({}, "B") is None
    assert pb_utils.get_input_config_by_name({}, "A") is None


def test_using_decoupled_model_transaction_policy():
    assert pb_utils.using_decoupled_model_transaction_policy({}) is False
    assert pb_utils.using_decoupled_model_transaction_policy(
        {"model_transaction_policy": {"decoupled": True}}) is True
    assert pb_utils.using_decoupled_model_transaction_policy(
        {"model_transaction_policy": {"decoupled": False}}) is False


def _request(*tensors):
    return pb_utils.InferenceRequest._incoming("", 0, 0, 0, "{}", list(tensors), [])


def test_get_input_tensor_by_name():
    a = pb_utils.Tensor("A", np.zeros(2, dtype=np.int32))
    b = pb_utils.Tensor("B", np.zeros(2, dtype=np.int32))
    request = _request(a, b)
    assert pb_utils.get_input_tensor_by_name(request, "B") is b
    assert pb_utils.get_input_tensor_by_name(request, "C") is None


def test_get_input_tensor_by_name_with_a_foreign_request_object():
    class FakeRequest:
        def __init__(self, tensors):
            self._tensors = tensors

        def inputs(self):
            return self._tensors

    a = pb_utils.Tensor("A", np.zeros(2, dtype=np.int32))
    assert pb_utils.get_input_tensor_by_name(FakeRequest([a]), "A") is a
    assert pb_utils.get_input_tensor_by_name(FakeRequest([a]), "Z") is None


def test_get_output_tensor_by_name():
    out = pb_utils.Tensor("OUT", np.ones(1, dtype=np.float32))
    response = pb_utils.InferenceResponse([out])
    assert pb_utils.get_output_tensor_by_name(response, "OUT") is out
    assert pb_utils.get_output_tensor_by_name(response, "NOPE") is None
