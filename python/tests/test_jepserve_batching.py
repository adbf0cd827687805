"""jepserve_batching: stacking request lists into batches and splitting outputs, with real pb_utils objects."""

import ast
import importlib.util
import os

import numpy as np
import pytest

import jepserve_batching as jb
import triton_python_backend_utils as pb_utils

MODELS = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "models")


def _wire_tensor(name, array):
    """An input Tensor as the runtime builds it: Triton wire bytes in a writable uint8 buffer."""
    array = np.asarray(array)
    code = pb_utils.numpy_to_triton_type(array.dtype)
    if code == 13:
        data = pb_utils.serialize_byte_tensor(array) or b""
    else:
        data = array.tobytes()
    buffer = np.frombuffer(bytearray(data), dtype=np.uint8)
    return pb_utils.Tensor._from_wire(name, code, array.shape, buffer)


def _request(request_id="", **inputs):
    tensors = [_wire_tensor(name, array) for name, array in inputs.items()]
    return pb_utils.InferenceRequest._incoming(request_id, 0, 0, 0, "{}", tensors, [])


def _rows(n, start=0, width=3):
    return np.arange(start, start + n * width, dtype=np.float32).reshape(n, width)


def _output(response, name):
    tensor = pb_utils.get_output_tensor_by_name(response, name)
    return None if tensor is None else tensor.as_numpy()


def _objects(*items):
    array = np.empty(len(items), dtype=np.object_)
    array[:] = items
    return array


# ----------------------------------------------------------------------------- stack / split / responses


def test_stack_concatenates_along_axis_0_and_records_sizes():
    xs = [_rows(1), _rows(2, 10), _rows(3, 100)]
    requests = [_request(X=x) for x in xs]
    batch = jb.stack(requests, "X")
    np.testing.assert_array_equal(batch.array, np.concatenate(xs))
    assert batch.array.dtype == np.float32
    assert batch.sizes == (1, 2, 3) and batch.rows == 6
    assert batch.indices == (0, 1, 2) and batch.requests == tuple(requests)
    assert batch.present == {"X": (True, True, True)} and batch.errors == {}
    assert batch["X"] is batch.array


def test_split_returns_views_in_request_order():
    batch = jb.stack([_request(X=_rows(2)), _request(X=_rows(1, 50))], "X")
    y = batch.array * 2
    pieces = batch.split(y)
    assert [p.shape for p in pieces] == [(2, 3), (1, 3)]
    assert all(np.shares_memory(p, y) and p.flags.c_contiguous for p in pieces)
    np.testing.assert_array_equal(pieces[1], _rows(1, 50) * 2)


def test_responses_one_per_request_with_their_rows():
    xs = [_rows(2), _rows(1, 7), _rows(3, 20)]
    batch = jb.stack([_request(X=x) for x in xs], "X")
    result = batch.responses({"Y": batch.array * 2, "N": np.arange(batch.rows, dtype=np.int64)})
    assert len(result) == 3
    assert all(type(r) is pb_utils.InferenceResponse and not r.has_error() for r in result)
    for x, response in zip(xs, result):
        y = _output(response, "Y")
        np.testing.assert_array_equal(y, x * 2)
        assert y.dtype == np.float32
    np.testing.assert_array_equal(_output(result[2], "N"), [3, 4, 5])
    assert pb_utils.get_output_tensor_by_name(result[0], "Y").triton_dtype() == 11  # FP32


def test_single_request_is_not_copied():
    request = _request(X=_rows(4))
    batch = jb.stack([request], "X")
    assert batch.array is pb_utils.get_input_tensor_by_name(request, "X").as_numpy()


def test_several_requests_are_copied_once_into_a_new_array():
    requests = [_request(X=_rows(1)), _request(X=_rows(1))]
    batch = jb.stack(requests, "X")
    for request in requests:
        assert not np.shares_memory(batch.array, pb_utils.get_input_tensor_by_name(request, "X").as_numpy())
    assert batch.array.flags.c_contiguous and batch.array.flags.writeable


def test_requests_built_with_plain_tensors_work_too():
    requests = [pb_utils.InferenceRequest._incoming("", 0, 0, 0, "{}", [pb_utils.Tensor("X", _rows(2))], [])]
    requests.append(pb_utils.InferenceRequest(inputs=[pb_utils.Tensor("X", _rows(1))],
                                              requested_output_names=[], model_name="m"))
    assert jb.stack(requests, "X").sizes == (2, 1)


def test_module_level_split_and_responses():
    requests = [_request(X=_rows(2)), _request(X=_rows(1))]
    pieces = jb.split(np.arange(6).reshape(3, 2), [2, 1])
    np.testing.assert_array_equal(pieces[1], [[4, 5]])
    result = jb.responses(requests, [2, 1], {"Y": np.zeros((3, 3), np.float32)})
    assert [_output(r, "Y").shape for r in result] == [(2, 3), (1, 3)]
    with pytest.raises(ValueError, match="every request has 1 row"):
        jb.split(np.zeros((3, 1)), [2, 1], new_axis=True)
    with pytest.raises(ValueError, match="2 sizes for 1 requests"):
        jb.responses(requests[:1], [2, 1], {})


def test_split_checks_the_number_of_rows():
    batch = jb.stack([_request(X=_rows(2)), _request(X=_rows(1))], "X")
    with pytest.raises(pb_utils.TritonModelException, match=r"shape \[4, 3\] into requests of \[2, 1\] rows"):
        batch.split(np.zeros((4, 3)))
    with pytest.raises(pb_utils.TritonModelException):
        batch.responses({"Y": np.ones((), np.float32)})  # 0-d: no rows to split
    with pytest.raises(TypeError):
        batch.split([1, 2, 3])


def test_non_contiguous_output_is_made_contiguous_once():
    batch = jb.stack([_request(X=_rows(2)), _request(X=_rows(2))], "X")
    transposed = np.arange(12, dtype=np.float32).reshape(3, 4).T  # 4 rows, Fortran order
    pieces = batch.split(transposed)
    assert all(p.flags.c_contiguous for p in pieces)
    assert pieces[0].base is pieces[1].base is not None  # views of one contiguous copy
    np.testing.assert_array_equal(np.concatenate(pieces), transposed)


def test_output_given_as_per_request_list_and_none_leaves_it_out():
    batch = jb.stack([_request(X=_rows(1)), _request(X=_rows(2))], "X")
    result = batch.responses({"Y": batch.array, "EXTRA": [np.array([1], np.int32), None]})
    assert _output(result[0], "EXTRA").tolist() == [1]
    assert _output(result[1], "EXTRA") is None and _output(result[1], "Y").shape == (2, 3)
    with pytest.raises(ValueError, match="3 pieces for 2 requests"):
        batch.responses({"Y": [None, None, None]})
    with pytest.raises(TypeError):
        batch.responses({"Y": 5})


# ----------------------------------------------------------------------------- BYTES


def test_bytes_inputs_stack_into_an_object_array_and_come_back_as_bytes():
    requests = [_request(T=_objects(b"a", b"bc").reshape(2, 1)), _request(T=_objects(b"").reshape(1, 1))]
    batch = jb.stack(requests, "T")
    assert batch.array.dtype == np.object_ and batch.array.shape == (3, 1)
    assert batch.array.ravel().tolist() == [b"a", b"bc", b""]
    upper = np.frompyfunc(bytes.upper, 1, 1)(batch.array)
    result = batch.responses({"U": upper})
    out = pb_utils.get_output_tensor_by_name(result[0], "U")
    assert out.triton_dtype() == 13 and out.shape() == [2, 1]
    assert out._wire_bytes() == pb_utils.serialize_byte_tensor(_objects(b"A", b"BC"))
    assert _output(result[1], "U").tolist() == [[b""]]


def test_np_bytes_outputs_are_accepted():
    batch = jb.stack([_request(T=_objects(b"x")), _request(T=_objects(b"yz"))], "T")
    result = batch.responses({"U": batch.array.astype(np.bytes_)})
    assert pb_utils.get_output_tensor_by_name(result[1], "U")._wire_bytes() == b"\x02\x00\x00\x00yz"


# ----------------------------------------------------------------------------- several inputs


def test_stack_inputs_shares_one_sizes():
    requests = [_request(X=_rows(2), Z=np.array([[1], [2]], np.int32)),
                _request(X=_rows(1), Z=np.array([[3]], np.int32))]
    batch = jb.stack_inputs(requests, ["X", "Z"])
    assert batch.sizes == (2, 1)
    assert batch["X"].shape == (3, 3) and batch["Z"].ravel().tolist() == [1, 2, 3]
    with pytest.raises(AttributeError, match="exactly one input"):
        batch.array


def test_stack_inputs_rejects_disagreeing_batch_sizes():
    requests = [_request(X=_rows(2), Z=np.zeros((2, 1))), _request("r1", X=_rows(2), Z=np.zeros((1, 1)))]
    with pytest.raises(pb_utils.TritonModelException) as error:
        jb.stack_inputs(requests, ["X", "Z"])
    message = str(error.value)
    assert "1 of 2 requests cannot be batched" in message
    assert "request 1 (id 'r1')" in message and "'X' has 2, 'Z' has 1" in message


# ----------------------------------------------------------------------------- errors


def test_missing_required_input_names_the_request():
    requests = [_request(X=_rows(1)), _request("abc", Z=_rows(1))]
    with pytest.raises(pb_utils.TritonModelException, match=r"request 1 \(id 'abc'\): input 'X' is missing"):
        jb.stack(requests, "X")


def test_trailing_shape_mismatch_says_which_request_and_shapes():
    requests = [_request(X=_rows(1)), _request(X=_rows(2)), _request("odd", X=_rows(2, width=4))]
    with pytest.raises(pb_utils.TritonModelException) as error:
        jb.stack(requests, "X")
    message = str(error.value)
    assert "request 2 (id 'odd'): input 'X' has shape [2, 4]" in message
    assert "trailing shape [3]" in message


def test_majority_decides_which_request_is_odd():
    requests = [_request("first", X=_rows(1, width=4)), _request(X=_rows(1)), _request(X=_rows(2))]
    batch = jb.stack(requests, "X", on_error="respond")
    assert list(batch.errors) == [0] and batch.indices == (1, 2) and batch.sizes == (1, 2)


def test_dtype_mismatch_is_an_error():
    requests = [_request(X=_rows(1)), _request(X=_rows(1).astype(np.float64))]
    with pytest.raises(pb_utils.TritonModelException, match="data type float64, but the other .* float32"):
        jb.stack(requests, "X")


def test_scalar_input_without_new_axis_is_an_error():
    with pytest.raises(pb_utils.TritonModelException, match="new_axis=True"):
        jb.stack([_request(X=np.float32(1))], "X")


def test_undecodable_input_is_a_request_error():
    bf16 = pb_utils.Tensor._from_wire("X", 14, [1, 3], np.zeros(6, np.uint8))
    requests = [pb_utils.InferenceRequest._incoming("", 0, 0, 0, "{}", [bf16], []), _request(X=_rows(1))]
    batch = jb.stack(requests, "X", on_error="respond")
    assert "BF16" in batch.errors[0].message() and batch.sizes == (1,)


def test_respond_mode_answers_bad_requests_and_serves_the_rest():
    requests = [_request(X=_rows(1)), _request("bad", Z=_rows(1)), _request(X=_rows(2, 5))]
    batch = jb.stack(requests, "X", on_error="respond")
    assert batch.indices == (0, 2) and batch.sizes == (1, 2) and batch.rows == 3
    result = batch.responses({"Y": batch.array * 2})
    assert len(result) == 3
    assert result[1].has_error() and result[1].output_tensors() == []
    assert result[1].error().code() == pb_utils.TritonError.INVALID_ARG
    assert "input 'X' is missing" in result[1].error().message()
    np.testing.assert_array_equal(_output(result[2], "Y"), _rows(2, 5) * 2)
    assert not result[0].has_error()


def test_respond_mode_with_every_request_rejected():
    requests = [_request(Z=_rows(1)), _request(Z=_rows(1))]
    batch = jb.stack(requests, "X", on_error="respond")
    assert batch.requests == () and batch.array is None and batch.sizes == ()
    result = batch.responses({})
    assert [r.has_error() for r in result] == [True, True]


def test_model_can_fail_chosen_requests_after_computing():
    batch = jb.stack([_request(X=_rows(1)), _request(X=_rows(1)), _request(X=_rows(1))], "X")
    busy = pb_utils.TritonError("busy", pb_utils.TritonError.UNAVAILABLE)
    result = batch.responses({"Y": batch.array}, errors={1: "negative value", 2: busy})
    assert not result[0].has_error()
    assert result[1].error().message() == "negative value"
    assert result[1].error().code() == pb_utils.TritonError.INVALID_ARG
    assert result[2].error().code() == pb_utils.TritonError.UNAVAILABLE
    with pytest.raises(ValueError, match="not in the batch"):
        batch.responses({"Y": batch.array}, errors={7: "x"})


def test_bad_on_error_value():
    with pytest.raises(ValueError, match="on_error"):
        jb.stack([], "X", on_error="ignore")


# ----------------------------------------------------------------------------- optional inputs


def test_missing_optional_input_is_filled_with_the_default():
    requests = [_request(X=_rows(2), B=np.array([[1.5], [2.5]], np.float32)), _request(X=_rows(3))]
    batch = jb.stack_inputs(requests, ["X", "B"], defaults={"B": 0})
    assert batch.present == {"X": (True, True), "B": (True, False)}
    assert batch["B"].dtype == np.float32  # cast to the dtype the requests use
    assert batch["B"].ravel().tolist() == [1.5, 2.5, 0, 0, 0]
    assert batch.shapes["B"] == ((2, 1), None)
    row_mask = np.repeat(batch.present["B"], batch.sizes)
    assert row_mask.tolist() == [True, True, False, False, False]


def test_optional_input_sent_by_nobody_takes_the_defaults_shape_and_dtype():
    batch = jb.stack_inputs([_request(X=_rows(2)), _request(X=_rows(1))], ["X", "B"],
                            defaults={"B": np.zeros(1, np.int32)})
    assert batch["B"].shape == (3, 1) and batch["B"].dtype == np.int32
    single = jb.stack_inputs([_request(X=_rows(2))], ["X", "B"], defaults={"B": np.float32(7)})
    assert single["B"].tolist() == [7, 7] and single["B"].flags.writeable


def test_default_that_does_not_broadcast():
    requests = [_request(X=_rows(1), B=_rows(1)), _request(X=_rows(1))]
    with pytest.raises(ValueError, match="default for input 'B'"):
        jb.stack_inputs(requests, ["X", "B"], defaults={"B": np.zeros(2)})


def test_defaults_must_name_stacked_inputs():
    with pytest.raises(ValueError, match="not among"):
        jb.stack_inputs([], ["X"], defaults={"B": 0})


def test_request_with_only_defaulted_inputs_has_no_batch_size():
    with pytest.raises(pb_utils.TritonModelException, match="batch size is unknown"):
        jb.stack([_request(X=_rows(1)), _request(Z=_rows(1))], "B", default=0)


def test_stack_with_default():
    batch = jb.stack([_request(X=_rows(2)), _request(Z=_rows(1))], "X", default=-1, new_axis=True)
    assert batch.array.shape == (2, 2, 3) and (batch.array[1] == -1).all()


# ----------------------------------------------------------------------------- ragged inputs


def test_pad_pads_ragged_inputs_and_crop_to_cuts_back():
    a = np.array([[1, 2, 3]], np.int32)
    b = np.array([[4], [5]], np.int32)
    batch = jb.stack([_request(X=a), _request(X=b)], "X", pad=0)
    assert batch.array.tolist() == [[1, 2, 3], [4, 0, 0], [5, 0, 0]]
    assert batch.shapes["X"] == ((1, 3), (2, 1))
    doubled = batch.split(batch.array * 2, crop_to="X")
    assert doubled[0].tolist() == [[2, 4, 6]] and doubled[1].tolist() == [[8], [10]]
    assert all(p.flags.c_contiguous for p in doubled)
    assert [p.shape for p in batch.split(batch.array)] == [(1, 3), (2, 3)]  # without crop_to: padded
    with pytest.raises(ValueError, match="rank"):
        batch.split(np.zeros((3,)), crop_to="X")


def test_pad_with_bytes_and_rank_mismatch():
    requests = [_request(T=_objects(b"a", b"b").reshape(1, 2)), _request(T=_objects(b"c").reshape(1, 1))]
    batch = jb.stack(requests, "T", pad=b"")
    assert batch.array.tolist() == [[b"a", b"b"], [b"c", b""]]
    requests.append(_request("deep", T=_objects(b"d").reshape(1, 1, 1)))
    with pytest.raises(pb_utils.TritonModelException, match="of 3 dimensions, but the other requests .* have 2"):
        jb.stack(requests, "T", pad=b"")


def test_pad_not_needed_when_shapes_agree():
    requests = [_request(X=_rows(1)), _request(X=_rows(1))]
    np.testing.assert_array_equal(jb.stack(requests, "X", pad=0).array, jb.stack(requests, "X").array)


# ----------------------------------------------------------------------------- models without a batch dimension


def test_new_axis_stacks_and_splits_without_a_batch_dimension():
    xs = [np.array([1, 2, 3], np.float32), np.array([4, 5, 6], np.float32)]
    batch = jb.stack([_request(X=x) for x in xs], "X", new_axis=True)
    assert batch.array.shape == (2, 3) and batch.sizes == (1, 1)
    result = batch.responses({"Y": batch.array * 2, "S": batch.array.sum(axis=1)})
    assert _output(result[1], "Y").tolist() == [8, 10, 12]
    s = _output(result[0], "S")
    assert isinstance(s, np.ndarray) and s.shape == () and s == 6  # a 0-d array, not a numpy scalar


def test_new_axis_single_request_is_a_view():
    request = _request(X=np.array([[1, 2]], np.int64))
    batch = jb.stack([request], "X", new_axis=True)
    assert batch.array.shape == (1, 1, 2)
    assert np.shares_memory(batch.array, pb_utils.get_input_tensor_by_name(request, "X").as_numpy())


def test_new_axis_shape_mismatch_is_about_the_whole_shape():
    requests = [_request(X=np.zeros(3, np.float32)), _request(X=np.zeros(3, np.float32)),
                _request(X=np.zeros(4, np.float32))]
    with pytest.raises(pb_utils.TritonModelException, match=r"have shape \[3\]"):
        jb.stack(requests, "X", new_axis=True)


# ----------------------------------------------------------------------------- module and test model


def test_module_is_self_contained():
    path = jb.__file__
    with open(path) as source:
        tree = ast.parse(source.read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or ".").split(".")[0])
    assert imported == {"numpy", "triton_python_backend_utils"}


def _load_stacked_scale():
    path = os.path.join(MODELS, "stacked_scale", "1", "model.py")
    spec = importlib.util.spec_from_file_location("stacked_scale_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TritonPythonModel()


def test_stacked_scale_model():
    model = _load_stacked_scale()
    requests = [_request(X=_rows(2)), _request(X=_rows(1, 9), LABEL=_objects(b"hi").reshape(1, 1)),
                _request("bad", LABEL=_objects(b"x").reshape(1, 1))]
    result = model.execute(requests)
    assert len(result) == 3
    np.testing.assert_array_equal(_output(result[0], "Y"), _rows(2) * 2)
    assert _output(result[0], "LABEL_UPPER") is None
    assert _output(result[0], "BATCH_ROWS").tolist() == [[3], [3]]
    np.testing.assert_array_equal(_output(result[1], "Y"), _rows(1, 9) * 2)
    assert _output(result[1], "LABEL_UPPER").tolist() == [[b"HI"]]
    assert _output(result[1], "Y").dtype == np.float32
    assert result[2].has_error() and "input 'X' is missing" in result[2].error().message()


def test_stacked_scale_model_all_rejected_and_single():
    model = _load_stacked_scale()
    assert model.execute([_request(LABEL=_objects(b"x").reshape(1, 1))])[0].has_error()
    (only,) = model.execute([_request(X=_rows(1))])
    assert _output(only, "BATCH_ROWS").tolist() == [[1]]
