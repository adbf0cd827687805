"""pb_utils.ModelConfig: what auto_complete_config may change, with Triton's error texts."""

import json

import pytest

import triton_python_backend_utils as pb_utils


def _config(**fields):
    config = {"name": "m", "max_batch_size": 0, "input": [], "output": [], "backend": "python"}
    config.update(fields)
    return pb_utils.ModelConfig(json.dumps(config))


def test_as_dict_is_live():
    config = _config()
    config.as_dict()["extra"] = 1
    assert config.as_dict()["extra"] == 1
    assert config.as_dict()["name"] == "m"


def test_set_max_batch_size():
    config = _config(max_batch_size=4)
    config.set_max_batch_size(8)
    assert config.as_dict()["max_batch_size"] == 8
    config = _config(max_batch_size=0)
    config.set_max_batch_size(2)
    assert config.as_dict()["max_batch_size"] == 2
    with pytest.raises(ValueError) as error:
        _config(max_batch_size=16).set_max_batch_size(4)
    assert str(error.value) == ("configuration specified max_batch_size 16, but in auto-complete-config function "
                                "for model 'm' specified max_batch_size 4")


def test_set_dynamic_batching():
    config = _config()
    config.set_dynamic_batching()
    assert config.as_dict()["dynamic_batching"] == {}
    config = _config(dynamic_batching={"max_queue_delay_microseconds": 5})
    config.set_dynamic_batching()
    assert config.as_dict()["dynamic_batching"] == {"max_queue_delay_microseconds": 5}
    for scheduler in ("sequence_batching", "ensemble_scheduling"):
        with pytest.raises(ValueError) as error:
            _config(**{scheduler: {}}).set_dynamic_batching()
        assert str(error.value) == (
            "Configuration specified scheduling_choice as '%s', but auto-complete-config function for model 'm' "
            "tries to set scheduling_choice as 'dynamic_batching'" % scheduler)


def test_add_input_and_output_append():
    config = _config()
    config.add_input({"name": "IN", "data_type": "TYPE_FP32", "dims": [4], "optional": True})
    config.add_output({"name": "OUT", "data_type": "TYPE_FP32", "dims": [4]})
    assert config.as_dict()["input"] == [{"name": "IN", "data_type": "TYPE_FP32", "dims": [4], "optional": True}]
    assert config.as_dict()["output"] == [{"name": "OUT", "data_type": "TYPE_FP32", "dims": [4]}]


def test_add_input_fills_an_existing_entry():
    config = _config(input=[{"name": "IN", "data_type": "TYPE_INVALID", "dims": [], "optional": False}])
    config.add_input({"name": "IN", "data_type": "TYPE_INT32", "dims": [2], "optional": False})
    assert config.as_dict()["input"] == [{"name": "IN", "data_type": "TYPE_INT32", "dims": [2], "optional": False}]


@pytest.mark.parametrize("tensor, message", [
    ({"name": "INPUT1", "data_type": "TYPE_FP32", "dims": [4], "is_shape_tensor:": True},
     "input 'INPUT1' in auto-complete-config function for model 'm' contains property other than 'name', "
     "'data_type', 'dims' and 'optional'."),
    ({"data_type": "TYPE_FP32", "dims": [4]},
     "input in auto-complete-config function for model 'm' is missing 'name' property."),
    ({"name": "INPUT1", "dims": [4]},
     "input 'INPUT1' in auto-complete-config function for model 'm' is missing 'data_type' property."),
    ({"name": "INPUT1", "data_type": "TYPE_FP32"},
     "input 'INPUT1' in auto-complete-config function for model 'm' is missing 'dims' property."),
])
def test_add_input_errors(tensor, message):
    with pytest.raises(ValueError) as error:
        _config().add_input(tensor)
    assert str(error.value) == message


def test_add_output_errors():
    with pytest.raises(ValueError) as error:
        _config().add_output({"name": "OUT", "data_type": "TYPE_FP32", "dims": [4], "optional": True})
    assert str(error.value) == ("output 'OUT' in auto-complete-config function for model 'm' contains property "
                                "other than 'name', 'data_type' and 'dims'.")
    with pytest.raises(ValueError) as error:
        _config().add_output({"name": "OUT", "data_type": "TYPE_FP32"})
    assert str(error.value) == "output 'OUT' in auto-complete-config function for model 'm' is missing 'dims' property."


def test_conflicts_with_config_pbtxt():
    existing = {"name": "INPUT1", "data_type": "TYPE_FP32", "dims": [16], "optional": False}
    with pytest.raises(ValueError) as error:
        _config(input=[dict(existing)]).add_input({"name": "INPUT1", "data_type": "TYPE_INT32", "dims": [16]})
    assert str(error.value) == ("unable to load model 'm', configuration expects datatype TYPE_FP32 for input "
                                "'INPUT1', model provides TYPE_INT32")
    with pytest.raises(ValueError) as error:
        _config(input=[dict(existing)]).add_input({"name": "INPUT1", "data_type": "TYPE_FP32", "dims": [4]})
    assert str(error.value) == ("model 'm', tensor 'INPUT1': the model expects dims [4] but the model "
                                "configuration specifies dims [16]")
    with pytest.raises(ValueError) as error:
        _config(input=[dict(existing)]).add_input(
            {"name": "INPUT1", "data_type": "TYPE_FP32", "dims": [16], "optional": True})
    assert str(error.value) == ("model 'm', tensor 'INPUT1': the model expects optional True but the model "
                                "configuration specifies optional False")
    with pytest.raises(ValueError) as error:
        _config(output=[{"name": "OUT", "data_type": "TYPE_FP32", "dims": [1]}]).add_output(
            {"name": "OUT", "data_type": "TYPE_FP16", "dims": [1]})
    assert str(error.value) == ("unable to load model 'm', configuration expects datatype TYPE_FP32 for output "
                                "'OUT', model provides TYPE_FP16")


def test_set_model_transaction_policy():
    config = _config()
    config.set_model_transaction_policy({"decoupled": True})
    assert config.as_dict()["model_transaction_policy"] == {"decoupled": True}
    assert pb_utils.using_decoupled_model_transaction_policy(config.as_dict()) is True
    config.set_model_transaction_policy({"decoupled": True})  # same value again is fine
    with pytest.raises(ValueError) as error:
        _config().set_model_transaction_policy({"decoupled": True, "other": 1})
    assert str(error.value) == ("model transaction property in auto-complete-config function for model 'm' "
                                "contains property other than 'decoupled'.")
    with pytest.raises(ValueError) as error:
        _config(model_transaction_policy={"decoupled": False}).set_model_transaction_policy({"decoupled": True})
    assert str(error.value) == ("trying to change decoupled property in auto-complete-config for model 'm', "
                                "which is already set to 'False'.")
