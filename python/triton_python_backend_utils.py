"""jepserve's triton_python_backend_utils ("pb_utils"): the module Triton Python-backend models import.

Everything a model can reach as `pb_utils.<name>` in Triton lives here, written in plain Python: helpers and
constants, ModelConfig, Tensor, InferenceRequest, InferenceResponse, TritonError, TritonModelException,
Logger, PreferredMemory, model-control stubs and get_model_dir. (The metrics classes come from
jepserve_metrics; the integrator appends that import at the end of this file.)

Argument checks follow Triton's pybind11 bindings: None or a wrong type gives TypeError, a well-typed but
invalid value gives TritonModelException.

The runtime builds requests with `InferenceRequest._incoming(...)` and input tensors with
`Tensor._from_wire(...)`, and reads output tensors with `Tensor._wire_bytes()`. Wire layout is Triton's:
little-endian row-major, BOOL one byte per element, BYTES as a 4-byte little-endian length plus the bytes
of each element. This module never imports jep.
"""

import enum
import inspect
import json
import operator
import os
import struct

import numpy as np

import jepserve_context as _ctx
from jepserve_context import TritonModelException

# ---------------------------------------------------------------------------------------------------
# Constants

TRITONSERVER_REQUEST_FLAG_SEQUENCE_START = 1
TRITONSERVER_REQUEST_FLAG_SEQUENCE_END = 2
TRITONSERVER_RESPONSE_COMPLETE_FINAL = 1
TRITONSERVER_REQUEST_RELEASE_ALL = 1
TRITONSERVER_REQUEST_RELEASE_RESCHEDULE = 2

# Config type string -> numpy type. TYPE_BOOL is Python's bool (as in Triton); there is no TYPE_BF16.
TRITON_STRING_TO_NUMPY = {
    "TYPE_BOOL": bool,
    "TYPE_UINT8": np.uint8,
    "TYPE_UINT16": np.uint16,
    "TYPE_UINT32": np.uint32,
    "TYPE_UINT64": np.uint64,
    "TYPE_INT8": np.int8,
    "TYPE_INT16": np.int16,
    "TYPE_INT32": np.int32,
    "TYPE_INT64": np.int64,
    "TYPE_FP16": np.float16,
    "TYPE_FP32": np.float32,
    "TYPE_FP64": np.float64,
    "TYPE_STRING": np.object_,
}

_BYTES = 13  # TRITONSERVER_TYPE_BYTES
_BF16 = 14  # TRITONSERVER_TYPE_BF16: no numpy equivalent

# Triton data-type code -> numpy type, for the fixed-size types.
_NUMPY_BY_CODE = {
    1: np.bool_,
    2: np.uint8,
    3: np.uint16,
    4: np.uint32,
    5: np.uint64,
    6: np.int8,
    7: np.int16,
    8: np.int32,
    9: np.int64,
    10: np.float16,
    11: np.float32,
    12: np.float64,
}

# numpy dtype -> Triton code, for Tensor construction (one dict lookup on the hot path). Native byte order
# only: '>i4' does not match, so it is rejected, as in Triton. np.bytes_ ('S<n>') is handled separately.
_CODE_BY_DTYPE = {np.dtype(t): code for code, t in _NUMPY_BY_CODE.items()}
_CODE_BY_DTYPE[np.dtype(np.object_)] = _BYTES

_U32 = struct.Struct("<I")

# ---------------------------------------------------------------------------------------------------
# Pure helpers


def serialize_byte_tensor(input_tensor):
    """Encodes an object or np.bytes_ array as length-prefixed elements in C order.

    Returns bytes; () for an empty array; None for any other dtype. In object arrays, elements of type
    bytes are used as they are and anything else as str(x) encoded in UTF-8.
    """
    if input_tensor.size == 0:
        return ()
    is_object = input_tensor.dtype == np.object_
    if not is_object and input_tensor.dtype.type is not np.bytes_:
        return None
    parts = []
    for item in input_tensor.flat:  # .flat walks in C order whatever the memory layout
        # np.bytes_ items come with trailing NULs already stripped by numpy
        if is_object and type(item) is not bytes:
            item = str(item).encode("utf-8")
        parts.append(_U32.pack(len(item)))
        parts.append(item)
    return b"".join(parts)


def _split_bytes_elements(encoded):
    """Parses length-prefixed elements from any bytes-like object; a list of bytes."""
    view = memoryview(encoded)
    if view.ndim != 1 or view.itemsize != 1:
        view = view.cast("B")
    end = len(view)
    items = []
    offset = 0
    while offset < end:
        if offset + 4 > end:
            raise TritonModelException("BYTES tensor data is truncated: incomplete element length.")
        (length,) = _U32.unpack_from(view, offset)
        offset += 4
        stop = offset + length
        if stop > end:
            raise TritonModelException("BYTES tensor data is truncated: element is longer than the data.")
        items.append(view[offset:stop].tobytes())
        offset = stop
    return items


def _object_array(items):
    # np.array(items, dtype=object) could build a 2-D array from equal-length sequences; fill a 1-D one.
    array = np.empty(len(items), dtype=np.object_)
    array[:] = items
    return array


def deserialize_bytes_tensor(encoded_tensor):
    """Decodes length-prefixed elements into a 1-D np.object_ array of bytes (not reshaped)."""
    return _object_array(_split_bytes_elements(encoded_tensor))


def get_input_tensor_by_name(inference_request, name):
    """The input Tensor called `name`, or None if the request has none (e.g. an optional input)."""
    if type(inference_request) is InferenceRequest:
        for tensor in inference_request._inputs:  # our own request: skip the copy inputs() makes
            if tensor._name == name:
                return tensor
        return None
    for tensor in inference_request.inputs():
        if tensor.name() == name:
            return tensor
    return None


def get_output_tensor_by_name(inference_response, name):
    """The output Tensor called `name`, or None."""
    for tensor in inference_response.output_tensors():
        if tensor.name() == name:
            return tensor
    return None


def get_input_config_by_name(model_config, name):
    """The entry of model_config["input"] (a dict from json.loads) called `name`, or None."""
    for entry in model_config.get("input", ()):
        if entry["name"] == name:
            return entry
    return None


def get_output_config_by_name(model_config, name):
    """The entry of model_config["output"] called `name`, or None."""
    for entry in model_config.get("output", ()):
        if entry["name"] == name:
            return entry
    return None


def using_decoupled_model_transaction_policy(model_config):
    """True if the config dict sets model_transaction_policy.decoupled."""
    if "model_transaction_policy" in model_config:
        return model_config["model_transaction_policy"].get("decoupled", False)
    return False


def triton_to_numpy_type(data_type):
    """Triton code -> numpy type: 1..12 fixed-size types, 13 np.object_; None otherwise (BF16 included)."""
    if data_type == _BYTES:
        return np.object_
    return _NUMPY_BY_CODE.get(data_type)


_NUMPY_TO_TRITON = tuple((t, code) for code, t in _NUMPY_BY_CODE.items()) + ((np.object_, _BYTES), (np.bytes_, _BYTES))


def numpy_to_triton_type(data_type):
    """numpy type or dtype -> Triton code; None if unknown (np.str_ included)."""
    for numpy_type, code in _NUMPY_TO_TRITON:
        if data_type == numpy_type:
            return code
    return None


def triton_string_to_numpy(triton_type_string):
    """Config type string ("TYPE_FP32") -> numpy type; KeyError if unknown."""
    return TRITON_STRING_TO_NUMPY[triton_type_string]


# ---------------------------------------------------------------------------------------------------
# ModelConfig (what auto_complete_config receives and must return)


def _and_list(names):
    quoted = ["'%s'" % n for n in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


class ModelConfig:
    """The model configuration during auto-complete, as a dict parsed from the server's JSON."""

    _INPUT_KEYS = ("name", "data_type", "dims", "optional")
    _OUTPUT_KEYS = ("name", "data_type", "dims")

    def __init__(self, model_config):
        if isinstance(model_config, dict):
            self._model_config = model_config
        else:
            self._model_config = json.loads(model_config)

    def as_dict(self):
        """The live configuration dict (treat it as read-only)."""
        return self._model_config

    def _model_name(self):
        return str(self._model_config.get("name", ""))

    def set_max_batch_size(self, max_batch_size):
        current = self._model_config.get("max_batch_size", 0)
        if current > max_batch_size:
            raise ValueError(
                "configuration specified max_batch_size %s, but in auto-complete-config function for model "
                "'%s' specified max_batch_size %s" % (current, self._model_name(), max_batch_size))
        self._model_config["max_batch_size"] = max_batch_size

    def set_dynamic_batching(self):
        for scheduler in ("sequence_batching", "ensemble_scheduling"):
            if scheduler in self._model_config:
                raise ValueError(
                    "Configuration specified scheduling_choice as '%s', but auto-complete-config function for "
                    "model '%s' tries to set scheduling_choice as 'dynamic_batching'"
                    % (scheduler, self._model_name()))
        self._model_config.setdefault("dynamic_batching", {})

    def add_input(self, input):
        self._add_tensor("input", input, self._INPUT_KEYS)

    def add_output(self, output):
        self._add_tensor("output", output, self._OUTPUT_KEYS)

    def _add_tensor(self, kind, tensor, allowed_keys):
        model = self._model_name()
        where = "in auto-complete-config function for model '%s'" % model
        if "name" not in tensor:
            raise ValueError("%s %s is missing 'name' property." % (kind, where))
        name = tensor["name"]
        for key in tensor:
            if key not in allowed_keys:
                raise ValueError("%s '%s' %s contains property other than %s."
                                 % (kind, name, where, _and_list(allowed_keys)))
        for key in ("data_type", "dims"):
            if key not in tensor:
                raise ValueError("%s '%s' %s is missing '%s' property." % (kind, name, where, key))

        entries = self._model_config.setdefault(kind, [])
        for entry in entries:
            if entry.get("name") != name:
                continue
            # Same tensor already in config.pbtxt: it must agree; missing fields are filled in.
            config_type = entry.get("data_type", "TYPE_INVALID")
            if config_type != "TYPE_INVALID" and config_type != tensor["data_type"]:
                raise ValueError("unable to load model '%s', configuration expects datatype %s for %s '%s', "
                                 "model provides %s" % (model, config_type, kind, name, tensor["data_type"]))
            if entry.get("dims") and entry["dims"] != tensor["dims"]:
                raise ValueError("model '%s', tensor '%s': the model expects dims %s but the model "
                                 "configuration specifies dims %s" % (model, name, tensor["dims"], entry["dims"]))
            if "optional" in entry and "optional" in tensor and entry["optional"] != tensor["optional"]:
                raise ValueError("model '%s', tensor '%s': the model expects optional %s but the model "
                                 "configuration specifies optional %s"
                                 % (model, name, tensor["optional"], entry["optional"]))
            entry["data_type"] = tensor["data_type"]
            entry["dims"] = tensor["dims"]
            if "optional" in tensor:
                entry["optional"] = tensor["optional"]
            return
        entries.append(tensor)

    def set_model_transaction_policy(self, transaction_policy_dict):
        model = self._model_name()
        for key in transaction_policy_dict:
            if key != "decoupled":
                raise ValueError("model transaction property in auto-complete-config function for model '%s' "
                                 "contains property other than 'decoupled'." % model)
        policy = self._model_config.setdefault("model_transaction_policy", {})
        if "decoupled" in transaction_policy_dict:
            wanted = transaction_policy_dict["decoupled"]
            if "decoupled" in policy and policy["decoupled"] != wanted:
                raise ValueError("trying to change decoupled property in auto-complete-config for model '%s', "
                                 "which is already set to '%s'." % (model, policy["decoupled"]))
            policy["decoupled"] = wanted


# ---------------------------------------------------------------------------------------------------
# Argument conversion in the manner of pybind11: wrong types (None included) raise TypeError.


def _type_error(what, expected, value):
    return TypeError("%s: expected %s, got %s" % (what, expected, type(value).__name__))


def _as_str(value, what):
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):  # pybind11's std::string accepts bytes (examples/bls passes one)
        return value.decode("utf-8")
    raise _type_error(what, "str", value)


def _as_int(value, what, low, high):
    try:
        number = operator.index(value)  # int, bool, numpy integers; not float, str or None
    except TypeError:
        raise _type_error(what, "int", value) from None
    if not low <= number <= high:
        raise TypeError("%s: %d is out of range [%d, %d]" % (what, number, low, high))
    return number


def _as_uint32(value, what):
    return _as_int(value, what, 0, 2**32 - 1)


def _as_bool(value, what):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise _type_error(what, "bool", value)


def _as_list(value, what):
    """A sequence (not str/bytes) or set, copied into a list."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if value is None or isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise _type_error(what, "list", value)
    return list(value)


def _parameters_json(parameters):
    """Checks request/response parameters (dict of str -> bool/int/str) and returns their JSON text."""
    if parameters is None:
        return "{}"
    if not isinstance(parameters, dict):
        raise TritonModelException("Expect parameters to be a dict, got " + str(type(parameters)))
    for key, value in parameters.items():
        if not isinstance(key, str):
            raise TritonModelException("Expect parameters keys to have type str, found type " + str(type(key)))
        if not isinstance(value, (bool, int, str)):
            raise TritonModelException(
                "Expect parameters values to have type bool/int/str, found type " + str(type(value)))
    return json.dumps(parameters)


# ---------------------------------------------------------------------------------------------------
# Tensor


class _DLPackCapsule:
    """Lets np.from_dlpack read a bare DLPack capsule (it only accepts objects with __dlpack__)."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU; numpy rejects the capsule itself if its data is elsewhere


def _dtype_code(dtype):
    code = _CODE_BY_DTYPE.get(dtype)
    if code is None:
        if dtype.type is np.bytes_:
            return _BYTES
        raise TritonModelException("NumPy dtype is not supported.")
    return code


class Tensor:
    """A named tensor: an output built from a numpy array, or an input the runtime built from wire bytes.

    Input tensors decode lazily: as_numpy() is a zero-copy view of the wire buffer for fixed-size types
    (an object array of bytes for BYTES), computed once.
    """

    __slots__ = ("_name", "_dtype", "_shape", "_array", "_wire", "_serialized", "__weakref__")

    def __init__(self, name, numpy_array):
        if type(name) is not str:
            name = _as_str(name, "Tensor(): name")
        if not isinstance(numpy_array, np.ndarray):
            raise _type_error("Tensor(): numpy_array", "numpy.ndarray", numpy_array)
        if not name:
            raise TritonModelException("Tensor name cannot be an empty string.")
        code = _dtype_code(numpy_array.dtype)
        if not numpy_array.flags.c_contiguous:
            numpy_array = np.ascontiguousarray(numpy_array)
        self._name = name
        self._dtype = code
        self._shape = numpy_array.shape
        self._array = numpy_array
        self._wire = None
        # BYTES are serialised now, as Triton does: later changes to the array do not reach the output.
        self._serialized = (serialize_byte_tensor(numpy_array) or b"") if code == _BYTES else None

    @classmethod
    def _from_wire(cls, name, dtype_code, shape, buffer):
        """Runtime entry point for input tensors.

        buffer: 1-D writable numpy uint8 array holding the tensor in Triton wire layout. It is kept, not
        copied; as_numpy() views it.
        """
        self = cls.__new__(cls)
        self._name = name
        self._dtype = int(dtype_code)
        self._shape = tuple(map(int, shape))
        self._array = None
        self._wire = buffer
        self._serialized = None
        return self

    def _decode(self):
        code = self._dtype
        if code == _BYTES:
            items = _split_bytes_elements(self._wire)
            count = 1
            for dim in self._shape:
                count *= dim
            if len(items) != count:
                raise TritonModelException("BYTES tensor '%s' holds %d elements but its shape %s needs %d."
                                           % (self._name, len(items), list(self._shape), count))
            return _object_array(items).reshape(self._shape)
        numpy_type = _NUMPY_BY_CODE.get(code)
        if numpy_type is None:
            if code == _BF16:
                raise TritonModelException(
                    "Tensor '%s' has data type BF16, which NumPy does not support." % self._name)
            raise TritonModelException("Tensor '%s' has unsupported data type code %d." % (self._name, code))
        try:
            return self._wire.view(numpy_type).reshape(self._shape)
        except ValueError:
            raise TritonModelException("Tensor '%s': %d bytes of data do not match shape %s of %s."
                                       % (self._name, self._wire.nbytes, list(self._shape),
                                          np.dtype(numpy_type).name)) from None

    def name(self):
        return self._name

    def as_numpy(self):
        array = self._array
        if array is None:
            array = self._array = self._decode()
        return array

    def shape(self):
        return list(self._shape)

    def triton_dtype(self):
        """Triton data-type code (1 BOOL .. 12 FP64, 13 BYTES, 14 BF16)."""
        return self._dtype

    def is_cpu(self):
        return True

    def _wire_bytes(self):
        """Runtime entry point for output tensors: the data in Triton wire layout, as bytes."""
        if self._wire is not None:
            return self._wire.tobytes()
        if self._dtype == _BYTES:
            return self._serialized
        return self._array.tobytes()  # C-contiguous, native (little-endian) order: one memcpy

    def _wire_size(self):
        """The size of the data in Triton wire layout, in bytes (without building a view)."""
        if self._wire is not None:
            return int(self._wire.nbytes)
        if self._dtype == _BYTES:
            return len(self._serialized)
        return int(self._array.nbytes)

    def _copy(self):
        """Runtime entry point: a tensor of the same name, type and shape whose data is a copy (a BLS call run
        in process gives the called model, and back the caller, tensors of their own as the server's copies
        would be)."""
        copy = Tensor.__new__(Tensor)
        copy._name = self._name
        copy._dtype = self._dtype
        copy._shape = self._shape
        copy._serialized = self._serialized  # bytes: immutable
        if self._wire is not None:
            copy._wire = self._wire.copy()
            copy._array = None
        else:
            copy._wire = None
            copy._array = self._array.copy()
        return copy

    def _wire_view(self):
        """Like _wire_bytes() but as a 1-D uint8 numpy array, without a copy where possible."""
        if self._wire is not None:
            return self._wire
        if self._dtype == _BYTES:
            return np.frombuffer(self._serialized, dtype=np.uint8)
        return self._array.reshape(-1).view(np.uint8)

    # DLPack: numpy's own exporter and importer do the work; BYTES cannot be represented.

    def _dlpack_array(self, versioned):
        if self._dtype == _BYTES:
            raise TritonModelException("DLPack does not have support for string tensors.")
        array = self.as_numpy()
        if not versioned and not array.flags.writeable:
            array = array.copy()  # an unversioned capsule cannot mark data read-only
        return array

    def to_dlpack(self):
        return self._dlpack_array(False).__dlpack__()

    def __dlpack__(self, stream=None, **kwargs):
        versioned = kwargs.get("max_version") is not None
        return self._dlpack_array(versioned).__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self):
        return (1, 0)  # (kDLCPU, device 0): tensors always live in host memory here

    @staticmethod
    def from_dlpack(name, tensor):
        """Tensor.from_dlpack(name, capsule_or_object_with___dlpack__); shares memory when it can."""
        name = _as_str(name, "Tensor.from_dlpack(): name")
        if not name:
            raise TritonModelException("Tensor name cannot be an empty string.")
        if type(tensor).__name__ == "PyCapsule":
            source = _DLPackCapsule(tensor)
        elif hasattr(tensor, "__dlpack__"):
            source = tensor
        else:
            raise TritonModelException(
                "Provided tensor is not supported. Tensor must be a DLPack capsule or have a `__dlpack__` "
                "attribute")
        try:
            array = np.from_dlpack(source)
        except (BufferError, TypeError, ValueError, RuntimeError) as error:
            raise TritonModelException("Unable to import the DLPack tensor: %s" % error) from None
        if not array.flags.c_contiguous:
            raise TritonModelException("DLPack tensor is not contiguous. Only contiguous DLPack tensors that "
                                       "are stored in C-Order are supported.")
        return Tensor(name, array)

    def __repr__(self):
        return "Tensor(name=%r, triton_dtype=%d, shape=%s)" % (self._name, self._dtype, list(self._shape))


# ---------------------------------------------------------------------------------------------------
# TritonError, PreferredMemory, InferenceTrace


class _ErrorCode(enum.IntEnum):
    """TRITONSERVER_Error_Code values; the runtime maps them to the server's codes by value."""

    UNKNOWN = 0
    INTERNAL = 1
    NOT_FOUND = 2
    INVALID_ARG = 3
    UNAVAILABLE = 4
    UNSUPPORTED = 5
    ALREADY_EXISTS = 6
    CANCELLED = 7


class TritonError:
    """An error carried by an InferenceResponse: TritonError(message, code=TritonError.INTERNAL)."""

    __slots__ = ("_message", "_code")

    UNKNOWN = _ErrorCode.UNKNOWN
    INTERNAL = _ErrorCode.INTERNAL
    NOT_FOUND = _ErrorCode.NOT_FOUND
    INVALID_ARG = _ErrorCode.INVALID_ARG
    UNAVAILABLE = _ErrorCode.UNAVAILABLE
    UNSUPPORTED = _ErrorCode.UNSUPPORTED
    ALREADY_EXISTS = _ErrorCode.ALREADY_EXISTS
    CANCELLED = _ErrorCode.CANCELLED

    def __init__(self, message, code=_ErrorCode.INTERNAL):
        self._message = _as_str(message, "TritonError(): message")
        if type(code) is not _ErrorCode:  # like the pybind enum: a plain int is not accepted
            raise _type_error("TritonError(): code", "a TritonError code such as TritonError.INTERNAL", code)
        self._code = code

    def code(self):
        return self._code

    def message(self):
        return self._message

    def __repr__(self):
        return "TritonError(%r, TritonError.%s)" % (self._message, self._code.name)


setattr(TritonError, "__ErrorCode", _ErrorCode)  # Triton's name for the nested enum


class _MemoryType(enum.IntEnum):
    TRITONSERVER_MEMORY_GPU = 0
    TRITONSERVER_MEMORY_CPU = 1


TRITONSERVER_MEMORY_GPU = _MemoryType.TRITONSERVER_MEMORY_GPU
TRITONSERVER_MEMORY_CPU = _MemoryType.TRITONSERVER_MEMORY_CPU


class PreferredMemory:
    """Where a BLS call should place its outputs: PreferredMemory(TRITONSERVER_MEMORY_CPU, device_id=0)."""

    __slots__ = ("preferred_memory_type", "preferred_device_id")

    def __init__(self, preferred_memory_type, preferred_device_id=0):
        if type(preferred_memory_type) is not _MemoryType:
            raise _type_error("PreferredMemory(): preferred_memory_type",
                              "TRITONSERVER_MEMORY_CPU or TRITONSERVER_MEMORY_GPU", preferred_memory_type)
        self.preferred_memory_type = preferred_memory_type
        self.preferred_device_id = _as_int(preferred_device_id, "PreferredMemory(): preferred_device_id",
                                           -2**63, 2**63 - 1)


# Triton's default: no preference (type None here). Never modified.
_DEFAULT_PREFERRED_MEMORY = object.__new__(PreferredMemory)
_DEFAULT_PREFERRED_MEMORY.preferred_memory_type = None
_DEFAULT_PREFERRED_MEMORY.preferred_device_id = 0


class InferenceTrace:
    """What request.trace() returns; get_context() is the trace-context string, or None."""

    __slots__ = ("_context",)

    def __init__(self, context=None):
        self._context = context or None

    def get_context(self):
        return self._context


_NO_TRACE = InferenceTrace()

# ---------------------------------------------------------------------------------------------------
# InferenceRequest and InferenceResponse

_REQUIRED = object()  # marks the BLS constructor arguments that have no default


def _bls():
    import jepserve_bls  # imports this module: loaded on first use
    return jepserve_bls


class InferenceRequest:
    """A request: built by the runtime for execute(), or by a model for a BLS call (the constructor)."""

    __slots__ = ("_request_id", "_correlation_id", "_inputs", "_requested_output_names", "_model_name",
                 "_model_version", "_flags", "_timeout", "_preferred_memory", "_trace", "_parameters",
                 "_is_cancelled", "_release_flags", "_responses")

    def __init__(self, request_id="", correlation_id=0, inputs=_REQUIRED, requested_output_names=_REQUIRED,
                 model_name=_REQUIRED, model_version=-1, flags=0, timeout=0,
                 preferred_memory=_DEFAULT_PREFERRED_MEMORY, trace=_NO_TRACE, parameters=None):
        for what, value in (("inputs", inputs), ("requested_output_names", requested_output_names),
                            ("model_name", model_name)):
            if value is _REQUIRED:
                raise TypeError("InferenceRequest(): missing required argument '%s'" % what)
        # Type checks first (TypeError), then value checks (TritonModelException), as the binding does.
        request_id = _as_str(request_id, "InferenceRequest(): request_id")
        if correlation_id is None:
            raise _type_error("InferenceRequest(): correlation_id", "int or str", correlation_id)
        inputs = _as_list(inputs, "InferenceRequest(): inputs")
        for tensor in inputs:
            if tensor is not None and not isinstance(tensor, Tensor):
                raise _type_error("InferenceRequest(): inputs element", "Tensor", tensor)
        names = _as_list(requested_output_names, "InferenceRequest(): requested_output_names")
        names = [_as_str(n, "InferenceRequest(): requested_output_names element") for n in names]
        model_name = _as_str(model_name, "InferenceRequest(): model_name")
        model_version = _as_int(model_version, "InferenceRequest(): model_version", -2**63, 2**63 - 1)
        flags = _as_uint32(flags, "InferenceRequest(): flags")
        timeout = _as_int(timeout, "InferenceRequest(): timeout", 0, 2**64 - 1)
        if not isinstance(preferred_memory, PreferredMemory):
            raise _type_error("InferenceRequest(): preferred_memory", "PreferredMemory", preferred_memory)
        if not isinstance(trace, InferenceTrace):
            raise _type_error("InferenceRequest(): trace", "InferenceTrace", trace)

        parameters_json = _parameters_json(parameters)
        if isinstance(correlation_id, int):
            if correlation_id < 0:
                raise TritonModelException("Correlation ID must be a non-negative integer or a string")
        elif not isinstance(correlation_id, str):
            raise TritonModelException("Correlation ID must be integer or string")
        where = "for request with id '%s' and model name '%s'" % (request_id, model_name)
        if any(tensor is None for tensor in inputs):
            raise TritonModelException("Input tensor %s should not be empty." % where)
        if any(not n for n in names):
            raise TritonModelException("Requested output name %s should not be empty." % where)

        self._request_id = request_id
        self._correlation_id = correlation_id
        self._inputs = inputs
        self._requested_output_names = set(names)
        self._model_name = model_name
        self._model_version = model_version
        self._flags = flags
        self._timeout = timeout
        self._preferred_memory = preferred_memory
        self._trace = trace
        self._parameters = parameters_json
        self._is_cancelled = None
        self._release_flags = TRITONSERVER_REQUEST_RELEASE_ALL
        self._responses = None

    @classmethod
    def _incoming(cls, request_id, correlation_id, flags, timeout, parameters_json, inputs,
                  requested_output_names, is_cancelled=None, responses=None):
        """Runtime entry point: a request handed to execute(), without the BLS argument checks.

        inputs: list of Tensor; requested_output_names: list of str, used as given (the runtime fills in
        all config outputs when the client asked for none); is_cancelled: optional zero-argument callable;
        responses: the request's jepserve_responses.RequestResponses (what its response sender sends through).
        """
        self = cls.__new__(cls)
        self._request_id = request_id
        self._correlation_id = correlation_id
        self._inputs = list(inputs)
        self._requested_output_names = set(requested_output_names)
        self._model_name = ""
        self._model_version = -1
        self._flags = flags
        self._timeout = timeout
        self._preferred_memory = _DEFAULT_PREFERRED_MEMORY
        self._trace = _NO_TRACE
        self._parameters = parameters_json or "{}"
        self._is_cancelled = is_cancelled
        self._release_flags = TRITONSERVER_REQUEST_RELEASE_ALL
        self._responses = responses
        return self

    def inputs(self):
        return list(self._inputs)

    def requested_output_names(self):
        return set(self._requested_output_names)

    def request_id(self):
        return self._request_id

    def correlation_id(self):
        return self._correlation_id

    def flags(self):
        return self._flags

    def set_flags(self, flags):
        self._flags = _as_uint32(flags, "set_flags(): flags")

    def timeout(self):
        """Timeout in microseconds; 0 means none."""
        return self._timeout

    def parameters(self):
        """The request parameters as a JSON object string ("{}" when there are none)."""
        return self._parameters

    def trace(self):
        return self._trace

    def is_cancelled(self):
        probe = self._is_cancelled
        return bool(probe()) if probe is not None else False

    def set_release_flags(self, flags):
        """TRITONSERVER_REQUEST_RELEASE_ALL or _RESCHEDULE; the runtime reads _release_flags afterwards."""
        self._release_flags = _as_uint32(flags, "set_release_flags(): flags")

    def get_response_sender(self):
        if self._responses is None:
            raise TritonModelException("get_response_sender() is only available on requests passed to execute()")
        return InferenceResponseSender(self._responses)

    def exec(self, decoupled=False):
        """A BLS call: the target model's response (errors included), or a ResponseIterator when decoupled."""
        return _bls().exec_request(self, _as_bool(decoupled, "exec(): decoupled"))

    def async_exec(self, decoupled=False):
        """Like exec(), as an awaitable for `async def execute`."""
        return _bls().async_exec_request(self, _as_bool(decoupled, "async_exec(): decoupled"))

    def __repr__(self):
        return "InferenceRequest(request_id=%r, inputs=%s)" % (self._request_id, [t._name for t in self._inputs])


class InferenceResponseSender:
    """Sends a request's responses, from any thread and also after execute() returned."""

    __slots__ = ("_responses",)

    def __init__(self, responses):
        self._responses = responses

    def send(self, response=None, flags=0):
        if response is not None and not isinstance(response, InferenceResponse):
            raise _type_error("send(): response", "InferenceResponse or None", response)
        flags = _as_uint32(flags, "send(): flags")
        self._responses.send_from_sender(response, flags)

    def is_cancelled(self):
        return self._responses.is_cancelled()


class InferenceResponse:
    """InferenceResponse(output_tensors=[], error=None, parameters=None)."""

    __slots__ = ("_output_tensors", "_error", "_parameters")

    def __init__(self, output_tensors=(), error=None, parameters=None):
        if type(output_tensors) is list:
            tensors = output_tensors.copy()  # the caller may reuse its list
        else:
            tensors = _as_list(output_tensors, "InferenceResponse(): output_tensors")
        has_none = False
        for tensor in tensors:
            if type(tensor) is not Tensor:
                if tensor is None:
                    has_none = True
                elif not isinstance(tensor, Tensor):
                    raise _type_error("InferenceResponse(): output_tensors element", "Tensor", tensor)
        if error is not None and not isinstance(error, TritonError):
            raise _type_error("InferenceResponse(): error", "TritonError or None", error)
        self._parameters = "{}" if parameters is None else _parameters_json(parameters)
        if has_none:
            raise TritonModelException("Output tensor for inference response should not be empty.")
        self._output_tensors = tensors
        self._error = error

    def output_tensors(self):
        return list(self._output_tensors)

    def has_error(self):
        return self._error is not None

    def error(self):
        return self._error

    def parameters(self):
        """Response parameters as a JSON object string ("{}" when there are none)."""
        return self._parameters

    def __repr__(self):
        return "InferenceResponse(outputs=%s, error=%r)" % ([t._name for t in self._output_tensors], self._error)


# ---------------------------------------------------------------------------------------------------
# Logger


class _LogLevel(enum.IntEnum):
    """Values are what jepserve_context.write_log expects."""

    INFO = 0
    WARNING = 1
    ERROR = 2
    VERBOSE = 3


def _log(message, level, depth):
    """Sends one line to the server log, tagged with the file and line `depth` frames up the stack."""
    if type(message) is not str:
        message = _as_str(message, "Logger: message")
    if type(level) is not _LogLevel:  # like the pybind enum: None or a plain int is a TypeError
        raise _type_error("Logger.log(): level", "a Logger.LogLevel such as Logger.INFO", level)
    frame = inspect.currentframe()
    try:
        for _ in range(depth):
            frame = frame.f_back
        filename = os.path.basename(frame.f_code.co_filename)
        line = frame.f_lineno
    finally:
        del frame  # frames in locals form reference cycles
    _ctx.write_log(int(level), filename, line, message)


class Logger:
    """Logger.log(message, level=Logger.INFO) and log_info/log_warn/log_error/log_verbose, all static."""

    LogLevel = _LogLevel
    INFO = _LogLevel.INFO
    WARNING = _LogLevel.WARNING
    ERROR = _LogLevel.ERROR
    VERBOSE = _LogLevel.VERBOSE

    # depth 2: _log's caller is the method below, whose caller is the model code.
    @staticmethod
    def log(message, level=_LogLevel.INFO):
        _log(message, level, 2)

    @staticmethod
    def log_info(message):
        _log(message, _LogLevel.INFO, 2)

    @staticmethod
    def log_warn(message):
        _log(message, _LogLevel.WARNING, 2)

    @staticmethod
    def log_error(message):
        _log(message, _LogLevel.ERROR, 2)

    @staticmethod
    def log_verbose(message):
        _log(message, _LogLevel.VERBOSE, 2)


# ---------------------------------------------------------------------------------------------------
# Model control and model directory


def _model_control(failure):
    callbacks = _ctx.callbacks
    if callbacks is None:
        raise TritonModelException("%s: model control is only available inside the server" % failure)
    return callbacks


def load_model(model_name, config="", files=None):
    """Loads (or reloads) a model and waits for it; the server must run with --model-control-mode=explicit.

    config: a model configuration as JSON; files: {"file:<version>/<path>": bytes}, which needs config.
    """
    if files is not None and not isinstance(files, dict):
        raise TritonModelException(
            "failed to load model '%s', files should be a dictionary of file paths and file contents" % model_name)
    files_json = ""
    if files:
        import base64
        encoded = {}
        for key, content in files.items():
            if not isinstance(content, (bytes, bytearray)):
                raise TritonModelException(
                    "failed to load model '%s', the content of '%s' must be bytes" % (model_name, key))
            encoded[str(key)] = base64.b64encode(bytes(content)).decode("ascii")
        files_json = json.dumps(encoded)
    error = _model_control("Failed to load model").loadModel(str(model_name), str(config or ""), files_json)
    if error is not None:
        raise TritonModelException("Failed to load model: %s" % error)


def unload_model(model_name, unload_dependents=False):
    """Starts unloading a model (its requests in flight finish first); explicit mode only."""
    error = _model_control("Failed to unload model").unloadModel(str(model_name), bool(unload_dependents))
    if error is not None:
        raise TritonModelException("Failed to unload model: %s" % error)


def is_model_ready(model_name, model_version=""):
    """Whether the model (version) is loaded and ready; a version must be a positive integer string."""
    answer = str(_model_control("Failed to check model readiness").isModelReady(str(model_name), str(model_version)))
    if answer == "true":
        return True
    if answer == "false":
        return False
    raise TritonModelException(answer)


def get_model_dir():
    """The directory holding the running model's file: its version directory, e.g. /models/m/1."""
    instance = _ctx.current_instance()
    if instance is None:
        raise TritonModelException(
            "get_model_dir() is only available while a model is loaded or running on this thread.")
    return instance.version_dir


# Custom metrics live in their own module (backed by the server's Java Prometheus registry). Older models
# use the module-level kind names, newer ones MetricFamily.COUNTER etc.; both are here.
from jepserve_metrics import COUNTER, GAUGE, HISTOGRAM, MetricFamily, MetricKind  # noqa: E402,F401
