"""Checks for the claims made on docs/pretrained/hubs.md that its outputs do not show.

The tests run inside the page's run, one reading path at a time, with the network blocked as
it was for the page's blocks: every load here must succeed, or fail, without a connection.
"""

import inspect
import json

import numpy as np
import pytest

PAGE = "docs/pretrained/hubs.md"

TOKEN_IDS = [2, 5, 6, 8, 10, 5, 1, 3]  # [CLS] the cat sat on the [UNK] [SEP]
PRESET_FILES = {
    "assets/tokenizer/vocabulary.txt",
    "config.json",
    "metadata.json",
    "model.weights.h5",
    "preprocessor.json",
    "task.json",
    "task.weights.h5",
    "tokenizer.json",
}


# TensorFlow


def test_tf_preset_holds_configuration_weights_and_vocabulary_but_no_code(tf_page):
    files = {p.relative_to(tf_page.preset).as_posix() for p in tf_page.preset.rglob("*") if p.is_file()}
    assert files == PRESET_FILES
    assert not any(name.endswith(".py") for name in files)
    config = json.loads((tf_page.preset / "config.json").read_text())
    assert config["registered_name"] == "keras_hub>BertBackbone"
    vocabulary = (tf_page.preset / "assets/tokenizer/vocabulary.txt").read_text().split()
    assert vocabulary == tf_page.VOCAB
    metadata = json.loads((tf_page.preset / "metadata.json").read_text())
    head = tf_page.classifier.count_params() - tf_page.backbone.count_params()
    assert metadata["parameter_count"] == tf_page.backbone.count_params() == 5152 and head == 34


def test_tf_reloaded_preset_tokenizes_and_predicts_like_the_original(tf_page):
    tokens = tf_page.reloaded.preprocessor(tf_page.texts)["token_ids"].numpy()
    assert tokens[0].tolist() == TOKEN_IDS
    np.testing.assert_allclose(tf_page.after, tf_page.before, rtol=0, atol=1e-6)
    # The two texts get different logits (the model reads its input), by far more than rounding.
    assert np.abs(tf_page.after[0] - tf_page.after[1]).max() > 5e-6
    assert np.abs(tf_page.after).max() < 0.01  # random, small weights: logits near zero


def test_tf_builtin_preset_name_goes_to_kaggle_and_fails_offline(tf_page):
    import requests

    assert isinstance(tf_page.kaggle_error, requests.exceptions.ConnectionError)
    assert "api.kaggle.com" in str(tf_page.kaggle_error)
    created = tf_page.kaggle_cache / "models/keras/bert/keras/bert_tiny_en_uncased/3"
    assert created.is_dir() and not any(created.iterdir())  # made before the request, left empty


def test_tf_hf_preset_offline_is_reported_as_a_missing_config(tf_page):
    import huggingface_hub
    from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError, OfflineModeIsEnabled

    assert huggingface_hub.constants.HF_HUB_OFFLINE
    assert issubclass(LocalEntryNotFoundError, FileNotFoundError)
    assert issubclass(LocalEntryNotFoundError, EntryNotFoundError)
    with pytest.raises(ValueError, match=r"has no config\.json") as kerashub_error:
        tf_page.keras_hub.models.BertBackbone.from_preset("hf://keras/bert_base_en_uncased")
    assert kerashub_error.value.__cause__ is None and kerashub_error.value.__context__ is None
    with pytest.raises(LocalEntryNotFoundError) as hub_error:
        huggingface_hub.hf_hub_download("keras/bert_base_en_uncased", "config.json")
    assert isinstance(hub_error.value.__cause__, OfflineModeIsEnabled)


def _fill_kaggle_cache(tf_page, model, skip=(), per_file=True):
    """Copy the page's preset into KAGGLEHUB_CACHE as version 1 of kaggle://me/<model>/keras/tiny."""
    import shutil

    variation = tf_page.kaggle_cache / "models" / "me" / model / "keras" / "tiny"
    shutil.copytree(tf_page.preset, variation / "1", ignore=shutil.ignore_patterns(*skip))
    if not per_file:  # the one mark model_download(handle) writes for the whole model
        (variation / "1.complete").touch()
        return f"kaggle://me/{model}/keras/tiny/1"
    for file in (variation / "1").rglob("*"):
        if file.is_file():
            mark = variation / ".complete" / "1" / f"{file.relative_to(variation / '1').as_posix()}.complete"
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
    return f"kaggle://me/{model}/keras/tiny/1"


def test_tf_kaggle_cache_filled_by_hand_loads_by_handle_offline(tf_page):
    assert tf_page.kaggle_cache == tf_page.work / "kagglehub"
    marks = tf_page.kaggle_cache / "models/me/tiny-bert/keras/tiny/.complete/1"
    assert {p.relative_to(marks).as_posix() for p in marks.rglob("*.complete")} == {
        f"{name}.complete" for name in PRESET_FILES
    }
    for loaded, saved in zip(tf_page.cached.get_weights(), tf_page.classifier.get_weights(), strict=True):
        np.testing.assert_array_equal(loaded, saved)
    assert tf_page.cached.preprocessor.tokenizer.get_vocabulary() == tf_page.VOCAB


def test_tf_kaggle_cache_without_a_mark_per_file_goes_to_the_network(tf_page):
    import requests

    classifier_class = tf_page.keras_hub.models.BertTextClassifier
    # The whole-model mark of model_download(handle) does not serve from_preset's file requests.
    bundle = _fill_kaggle_cache(tf_page, "bundle-mark", per_file=False)
    with pytest.raises(requests.exceptions.ConnectionError):
        classifier_class.from_preset(bundle)
    # A file from_preset probes but the cache lacks becomes a request, which fails offline.
    backbone_only = _fill_kaggle_cache(tf_page, "no-task", skip=("task.json", "task.weights.h5"))
    with pytest.raises(requests.exceptions.ConnectionError):
        classifier_class.from_preset(backbone_only, num_classes=2)


def test_tf_lambda_is_refused_in_safe_mode_and_runs_without_it(tf_page):
    import keras
    from keras.src.saving.serialization_lib import SafeModeScope

    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.load_model(tf_page.doubler_file)
    values = np.array([[1.0, -2.0, 0.5]])
    np.testing.assert_allclose(tf_page.trusted(values).numpy(), 2 * values)
    with SafeModeScope(None):  # restores the global setting afterwards
        keras.config.enable_unsafe_deserialization()
        unsafe = keras.saving.load_model(tf_page.doubler_file)  # safe_mode=True, overridden
    np.testing.assert_allclose(unsafe(values).numpy(), 2 * values)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.load_model(tf_page.doubler_file)


def test_tf_exercise_1_a_builtin_name_shadows_a_folder_of_the_same_name(tf_page):
    import contextlib

    assert (tf_page.work / "bert_tiny_en_uncased" / "config.json").is_file()
    with contextlib.chdir(tf_page.work), pytest.raises(OSError):
        tf_page.keras_hub.models.BertTextClassifier.from_preset("bert_tiny_en_uncased")
    np.testing.assert_allclose(tf_page.by_path.predict(tf_page.texts, verbose=0), tf_page.before, atol=1e-6)


def test_tf_exercise_2_a_registered_layer_loads_in_safe_mode(tf_page):
    import keras

    config = json.dumps(tf_page.safe_again.get_config())
    assert "hubs>Double" in config and "Lambda" not in config
    again = keras.saving.load_model(tf_page.safe_file, safe_mode=True)
    values = np.array([[1.0, -2.0, 0.5]])
    np.testing.assert_allclose(again(values).numpy(), 2 * values)


# PyTorch


def test_torch_folder_holds_configuration_weights_and_tokenizer_but_no_code(torch_page):
    names = sorted(p.name for p in torch_page.folder.iterdir())
    assert names == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]
    config = json.loads((torch_page.folder / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_size"] == 16


def test_torch_from_pretrained_returns_an_identical_model_in_eval_mode(torch_page):
    import torch

    assert not torch_page.reloaded.training
    assert torch_page.reloaded_tokenizer.model_max_length == torch_page.config.max_position_embeddings == 8
    tokenizer_config = json.loads((torch_page.folder / "tokenizer_config.json").read_text())
    assert tokenizer_config["tokenizer_class"] == "BertTokenizer"
    assert torch_page.batch["input_ids"][0].tolist() == TOKEN_IDS
    torch.testing.assert_close(torch_page.after, torch_page.before, rtol=0, atol=1e-6)
    for name, tensor in torch_page.model.state_dict().items():
        assert torch.equal(torch_page.reloaded.state_dict()[name], tensor), name


def test_torch_offline_hub_id_fails_at_once_with_the_message_shown(torch_page):
    import huggingface_hub
    from transformers import AutoModel

    assert huggingface_hub.constants.HF_HUB_OFFLINE
    assert isinstance(torch_page.hub_error, OSError)
    assert torch_page.hub_cache == str(torch_page.work / "hf-home" / "hub")
    with pytest.raises(OSError, match="couldn't find them in the cached files") as error:
        AutoModel.from_pretrained("google-bert/bert-base-uncased", local_files_only=True)
    # Offline mode and local_files_only=True leave the same message and the same cause.
    assert str(error.value) == str(torch_page.hub_error)
    assert repr(error.value.__cause__) == repr(torch_page.hub_error.__cause__)
    assert "outgoing traffic has been disabled" in str(error.value.__cause__)


def test_torch_hf_cache_filled_by_hand_serves_a_pinned_commit_without_any_request(torch_page, monkeypatch):
    import socket

    import huggingface_hub
    from transformers import AutoModel

    snapshot = torch_page.repo_cache / "snapshots" / torch_page.commit
    assert sorted(p.name for p in snapshot.iterdir()) == sorted(p.name for p in torch_page.folder.iterdir())
    assert (torch_page.repo_cache / "refs" / "main").read_text() == torch_page.commit
    # Online, the model of a pinned commit whose files are all cached loads without opening a connection.
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    model = AutoModel.from_pretrained("me/tiny-bert", revision=torch_page.commit)
    assert attempts == []
    assert model.config.hidden_size == 16


def test_torch_use_safetensors_refuses_a_pickle_only_folder(torch_page, tmp_path):
    import torch
    from transformers import AutoModel

    torch_page.config.save_pretrained(tmp_path)
    torch.save(torch_page.model.state_dict(), tmp_path / "pytorch_model.bin")
    with pytest.raises(OSError, match=r"model\.safetensors"):
        AutoModel.from_pretrained(tmp_path, use_safetensors=True)
    loaded = AutoModel.from_pretrained(tmp_path)  # falls back to the pickle, with weights_only=True
    assert torch.equal(loaded.state_dict()["pooler.dense.weight"], torch_page.model.state_dict()["pooler.dense.weight"])


def test_torch_hub_list_and_help_take_no_local_source(torch_page):
    import torch

    assert "source" in inspect.signature(torch.hub.load).parameters
    assert "source" not in inspect.signature(torch.hub.list).parameters
    assert "source" not in inspect.signature(torch.hub.help).parameters
    assert "verbose" not in inspect.signature(torch.hub.help).parameters


def test_torch_hub_local_source_skips_the_trust_check(torch_page, monkeypatch):
    import torch

    def no_prompt(*args):
        raise AssertionError("torch.hub asked for trust")

    monkeypatch.setattr("builtins.input", no_prompt)
    model = torch.hub.load(str(torch_page.repo), "tiny_mlp", source="local", trust_repo=False, pretrained=False)
    assert isinstance(model, torch.nn.Sequential)


def test_torch_hub_loads_repository_and_weights_from_the_filled_cache(torch_page):
    import torch

    hub_dir = torch_page.hub_dir
    assert hub_dir == torch_page.work / "torch-home" / "hub"
    assert (hub_dir / "me_tiny-hub_main" / "hubconf.py").is_file()
    assert (hub_dir / "checkpoints" / "tiny_mlp.pt").is_file()
    assert (hub_dir / "trusted_list").read_text() == ""  # trusted because its folder was cached
    assert torch_page.note.getvalue().startswith("Using cache found in ")
    with torch.no_grad():
        torch.testing.assert_close(torch_page.hub_mlp(torch_page.x), torch_page.mlp(torch_page.x), rtol=0, atol=0)


def test_torch_load_refuses_the_pickle_that_calls_a_function(torch_page, capsys):
    import pickle

    import torch

    with pytest.raises(pickle.UnpicklingError, match="GLOBAL print was not an allowed global"):
        torch.load(torch_page.checkpoint)  # the default, without a pickle_module
    assert capsys.readouterr().out == ""  # refused before print() ran
    assert torch_page.unsafe["note"] is None  # what print() returned


def test_torch_load_environment_variables_override_weights_only(torch_page, monkeypatch, capsys):
    import pickle

    import torch

    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(torch_page.checkpoint, weights_only=True)  # an explicit True stands
    with pytest.warns(UserWarning, match="forcing weights_only=False"):
        torch.load(torch_page.checkpoint)  # the default is overridden: print() runs
    assert capsys.readouterr().out == "print() ran while the file was loading\n"
    monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(torch_page.checkpoint, weights_only=False)  # even an explicit False


def test_torch_safetensors_file_is_header_plus_raw_tensor_bytes(torch_page):
    import torch

    state = torch_page.state
    data_bytes = sum(t.numel() * t.element_size() for t in state.values())
    assert len(torch_page.raw) == 8 + torch_page.header_size + data_bytes
    for name, tensor in state.items():
        assert torch_page.header[name]["shape"] == list(tensor.shape)
        assert torch.equal(torch_page.loaded[name], tensor)


def test_torch_exercise_1_a_local_folder_shadows_the_hub_name(torch_page):
    assert torch_page.by_name.config.hidden_size == 16  # the tiny model, not BERT base
    assert (torch_page.work / "google-bert" / "bert-base-uncased" / "model.safetensors").is_file()


def test_torch_exercise_2_allowing_one_class_loads_the_checkpoint(torch_page):
    import argparse
    import pickle

    import torch

    with pytest.raises(pickle.UnpicklingError, match=r"argparse\.Namespace"):
        torch.load(torch_page.with_settings, weights_only=True)
    assert torch_page.restored["settings"] == argparse.Namespace(epochs=3, learning_rate=0.01)
    assert torch.equal(torch_page.restored["weights"]["0.weight"], torch_page.state["0.weight"])
