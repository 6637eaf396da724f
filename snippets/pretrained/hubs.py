"""Hubs, offline: the code of docs/pretrained/hubs.md.

Run it as a program with ``python -m snippets.pretrained.hubs``; it needs no network and
downloads nothing. The TensorFlow sections come first and the PyTorch ones after them, each
in the page's order: the two reading paths use the same names (``work``, ``texts``, ...) for
their own objects. Every file, caches included, goes into a temporary folder per reading
path (``work``), so the reader's own caches are neither read nor filled. As one program, the
PyTorch part's ``HF_HUB_DISABLE_PROGRESS_BARS`` comes too late (the TensorFlow part has
imported ``huggingface_hub`` already), so Transformers draws its progress bars on stderr.
"""

# --8<-- [start:tf_save_preset]
import os
import tempfile
from pathlib import Path

work = Path(tempfile.mkdtemp(prefix="hubs-tf-"))
# Caches in the work folder, and Hugging Face offline: set before the imports.
os.environ["KAGGLEHUB_CACHE"] = str(work / "kagglehub")
os.environ["HF_HOME"] = str(work / "hf-home")
os.environ["HF_HUB_OFFLINE"] = "1"

import keras
import keras_hub
import numpy as np

words = ["the", "cat", "dog", "sat", "ran", "on", "mat", "a", "fast", "slow"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
keras.utils.set_random_seed(0)
tokenizer = keras_hub.tokenizers.BertTokenizer(vocabulary=VOCAB)
preprocessor = keras_hub.models.BertTextClassifierPreprocessor(
    tokenizer,
    sequence_length=8,
)
backbone = keras_hub.models.BertBackbone(
    vocabulary_size=len(VOCAB),
    num_layers=2,
    num_heads=2,
    hidden_dim=16,
    intermediate_dim=32,
    max_sequence_length=8,
)
classifier = keras_hub.models.BertTextClassifier(
    backbone,
    num_classes=2,
    preprocessor=preprocessor,
)
print(f"{classifier.count_params():,} parameters")

preset = work / "tiny-bert-classifier"
classifier.save_to_preset(str(preset))
for file in sorted(preset.rglob("*")):
    if file.is_file():
        name = file.relative_to(preset).as_posix()
        print(f"{name:32} {file.stat().st_size:7,} bytes")
# --8<-- [end:tf_save_preset]


# --8<-- [start:tf_from_preset]
reloaded = keras_hub.models.BertTextClassifier.from_preset(str(preset))
texts = ["the cat sat on the zebra", "a fast dog ran"]
print("token ids:", reloaded.preprocessor(texts)["token_ids"][0].numpy())

before = classifier.predict(texts, verbose=0)
after = reloaded.predict(texts, verbose=0)
for text, logits in zip(texts, after, strict=True):
    print(f"{text:26}", " ".join(f"{v:+.5f}" for v in logits))
print(f"max difference: {np.abs(after - before).max():.1e}")
# --8<-- [end:tf_from_preset]


# --8<-- [start:tf_offline_kaggle]
try:
    keras_hub.models.BertTextClassifier.from_preset(
        "bert_tiny_en_uncased",
        num_classes=2,
    )
except OSError as error:  # requests' errors are OSErrors
    print(f"{type(error).__module__}.{type(error).__name__}:")
    print(str(error).split(" (Caused by")[0])
    kaggle_error = error

kaggle_cache = Path(os.environ["KAGGLEHUB_CACHE"])
made = sorted(p.relative_to(kaggle_cache) for p in kaggle_cache.rglob("*"))
print("left in KAGGLEHUB_CACHE:", made[-1].as_posix())
# --8<-- [end:tf_offline_kaggle]


# --8<-- [start:tf_offline_hf]
import huggingface_hub

try:
    keras_hub.models.BertBackbone.from_preset("hf://keras/bert_base_en_uncased")
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
    print("caused by:", repr(error.__cause__))

try:
    huggingface_hub.hf_hub_download("keras/bert_base_en_uncased", "config.json")
except FileNotFoundError as error:  # what KerasHub received
    print(f"{type(error).__name__}: {error}")
    print("caused by:", repr(error.__cause__))
# --8<-- [end:tf_offline_hf]


# --8<-- [start:tf_kaggle_cache]
import shutil

# Play a from_preset download of kaggle://me/tiny-bert/keras/tiny/1: each
# file under models/<owner>/<model>/<framework>/<variation>/<version>, and
# for each one an empty mark that says its download completed.
handle = "kaggle://me/tiny-bert/keras/tiny/1"
variation = kaggle_cache / "models" / "me" / "tiny-bert" / "keras" / "tiny"
shutil.copytree(preset, variation / "1")
for file in sorted(preset.rglob("*")):
    if file.is_file():
        name = file.relative_to(preset).as_posix()
        mark = variation / ".complete" / "1" / f"{name}.complete"
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
print("last mark:", mark.relative_to(kaggle_cache).as_posix())

cached = keras_hub.models.BertTextClassifier.from_preset(handle)
pairs = zip(cached.get_weights(), classifier.get_weights(), strict=True)
difference = max(np.abs(new - old).max() for new, old in pairs)
print(f"{handle}: max weight difference {difference:.1e}")
# --8<-- [end:tf_kaggle_cache]


# --8<-- [start:tf_safe_mode]
inputs = keras.Input(shape=(3,))
outputs = keras.layers.Lambda(lambda t: t * 2.0)(inputs)
doubler = keras.Model(inputs, outputs)
doubler_file = work / "doubler.keras"
doubler.save(doubler_file)

try:
    keras.saving.load_model(doubler_file)  # safe_mode=True by default
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}.")

trusted = keras.saving.load_model(doubler_file, safe_mode=False)
print(trusted(np.array([[1.0, 2.0, 3.0]])).numpy())
# --8<-- [end:tf_safe_mode]


# --8<-- [start:tf_exercise_1]
import contextlib

with contextlib.chdir(work):  # a folder named like a built-in preset
    classifier.save_to_preset("bert_tiny_en_uncased")
    try:
        keras_hub.models.BertTextClassifier.from_preset("bert_tiny_en_uncased")
    except OSError as error:
        print("by name:", type(error).__name__)
    by_path = keras_hub.models.BertTextClassifier.from_preset(
        "./bert_tiny_en_uncased",
    )
difference = np.abs(by_path.predict(texts, verbose=0) - before).max()
print(f"by path: max difference {difference:.1e}")
# --8<-- [end:tf_exercise_1]


# --8<-- [start:tf_exercise_2]
@keras.saving.register_keras_serializable(package="hubs")
class Double(keras.layers.Layer):
    def call(self, t):
        return t * 2.0


inputs = keras.Input(shape=(3,))
safe_doubler = keras.Model(inputs, Double()(inputs))
safe_file = work / "safe_doubler.keras"
safe_doubler.save(safe_file)
safe_again = keras.saving.load_model(safe_file)  # safe_mode=True
print([type(layer).__name__ for layer in safe_again.layers])
print(safe_again(np.array([[1.0, 2.0, 3.0]])).numpy())
# --8<-- [end:tf_exercise_2]


# --8<-- [start:torch_save_pretrained]
import os
import tempfile
from pathlib import Path

work = Path(tempfile.mkdtemp(prefix="hubs-torch-"))
# huggingface_hub reads these when it is imported: set them first.
os.environ["HF_HOME"] = str(work / "hf-home")  # its cache, in the work folder
os.environ["HF_HUB_OFFLINE"] = "1"  # never contact the Hub
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"  # no bars on stderr

import torch
from transformers import (
    AutoModel,
    AutoTokenizer,
    BertConfig,
    BertModel,
    BertTokenizer,
)

words = ["the", "cat", "dog", "sat", "ran", "on", "mat", "a", "fast", "slow"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
tokenizer = BertTokenizer(
    vocab={token: i for i, token in enumerate(VOCAB)},
    model_max_length=8,  # the longest input the model below accepts
)
config = BertConfig(
    vocab_size=len(VOCAB),
    hidden_size=16,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=32,
    max_position_embeddings=8,
)
torch.manual_seed(0)
model = BertModel(config).eval()  # eval(): no dropout
print(f"{model.num_parameters():,} parameters")

folder = work / "tiny-bert"
model.save_pretrained(folder)
tokenizer.save_pretrained(folder)
for file in sorted(folder.iterdir()):
    print(f"{file.name:24} {file.stat().st_size:7,} bytes")
# --8<-- [end:torch_save_pretrained]


# --8<-- [start:torch_from_pretrained]
reloaded = AutoModel.from_pretrained(folder, local_files_only=True)
reloaded_tokenizer = AutoTokenizer.from_pretrained(
    folder,
    local_files_only=True,
)
print(type(reloaded).__name__, type(reloaded_tokenizer).__name__)
texts = ["the cat sat on the zebra", "a fast dog ran"]
batch = reloaded_tokenizer(texts, padding=True, return_tensors="pt")
print("token ids:", batch["input_ids"][0].tolist())

with torch.no_grad():
    before = model(**batch).last_hidden_state
    after = reloaded(**batch).last_hidden_state
print("first vector:", " ".join(f"{v:+.3f}" for v in after[0, 0, :4]), "...")
print(f"max difference: {(after - before).abs().max():.1e}")
# --8<-- [end:torch_from_pretrained]


# --8<-- [start:torch_offline_error]
import huggingface_hub

try:
    AutoModel.from_pretrained("google-bert/bert-base-uncased")
except OSError as error:
    print(f"{type(error).__name__}: {error}")
    cause = error.__cause__
    while cause is not None:  # each "raise ... from" links one more cause
        print("caused by:", repr(cause))
        cause = cause.__cause__
    hub_error = error

hub_cache = huggingface_hub.constants.HF_HUB_CACHE
print("HF_HUB_CACHE:", hub_cache.replace(str(work), "<work>"))
# --8<-- [end:torch_offline_error]


# --8<-- [start:torch_hf_cache]
import shutil

# Play a download of the Hub repository me/tiny-bert at one commit.
commit = "0123456789abcdef0123456789abcdef01234567"  # any 40 hex digits
repo_cache = Path(hub_cache) / "models--me--tiny-bert"
shutil.copytree(folder, repo_cache / "snapshots" / commit)
(repo_cache / "refs").mkdir()
(repo_cache / "refs" / "main").write_text(commit)  # branch main's commit

for revision in ("main", commit):
    cached = AutoModel.from_pretrained("me/tiny-bert", revision=revision)
    with torch.no_grad():
        difference = (cached(**batch).last_hidden_state - before).abs().max()
    print(f"revision {revision[:8]:8}: max difference {difference:.1e}")

for repo_info in huggingface_hub.scan_cache_dir().repos:  # as `hf cache ls`
    for cached_revision in repo_info.revisions:
        files = ", ".join(sorted(f.file_name for f in cached_revision.files))
        print(repo_info.repo_id, cached_revision.commit_hash[:8], files)
# --8<-- [end:torch_hf_cache]


# --8<-- [start:torch_hub_local]
HUBCONF = '''\
"""Entrypoints of a tiny torch.hub repository."""

import torch
from torch import nn

dependencies = ["torch"]  # torch.hub checks these can be imported

WEIGHTS = "https://example.com/tiny-hub/tiny_mlp.pt"


def tiny_mlp(pretrained=True):
    """A 4-8-2 perceptron; pretrained=True loads the published weights."""
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    if pretrained:
        state = torch.hub.load_state_dict_from_url(WEIGHTS, weights_only=True)
        model.load_state_dict(state)
    return model
'''
repo = work / "tiny-hub"
repo.mkdir()
(repo / "hubconf.py").write_text(HUBCONF)

torch.manual_seed(0)
mlp = torch.hub.load(str(repo), "tiny_mlp", source="local", pretrained=False)
print(mlp)
# --8<-- [end:torch_hub_local]


# --8<-- [start:torch_hub_cache]
import contextlib
import io
import shutil

os.environ["TORCH_HOME"] = str(work / "torch-home")  # read at every call
hub_dir = Path(torch.hub.get_dir())
print("hub dir:", str(hub_dir).replace(str(work), "<work>"))

# Fill the cache as a download of branch main of GitHub's me/tiny-hub
# would, and put the weights where load_state_dict_from_url looks first.
shutil.copytree(repo, hub_dir / "me_tiny-hub_main")
(hub_dir / "checkpoints").mkdir()
torch.save(mlp.state_dict(), hub_dir / "checkpoints" / "tiny_mlp.pt")

print(torch.hub.list("me/tiny-hub:main", verbose=False))
with contextlib.redirect_stderr(io.StringIO()) as note:
    print(torch.hub.help("me/tiny-hub:main", "tiny_mlp"))
print("on stderr:", note.getvalue().replace(str(work), "<work>"), end="")

hub_mlp = torch.hub.load("me/tiny-hub:main", "tiny_mlp", verbose=False)
x = torch.randn(3, 4, generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    print(f"max difference: {(hub_mlp(x) - mlp(x)).abs().max():.1e}")
# --8<-- [end:torch_hub_cache]


# --8<-- [start:torch_pickle]
import pickle
import re


class Surprise:
    """Pickled as a call to print(): unpickling makes that call."""

    def __reduce__(self):
        return (print, ("print() ran while the file was loading",))


weights_file = work / "tiny_mlp.pt"
torch.save(mlp.state_dict(), weights_file)
state = torch.load(weights_file, weights_only=True)  # tensors are allowed
print("state dict:", ", ".join(state))

checkpoint = work / "checkpoint.pt"
torch.save({"weights": state, "note": Surprise()}, checkpoint)
try:
    torch.load(checkpoint, weights_only=True)
except pickle.UnpicklingError as error:
    message = str(error)
    print(f"{type(error).__name__}: {message.split('. ')[0]}.")
    print(re.search(r"Unsupported global: .*? by default\.", message)[0])

print("with weights_only=False:")
unsafe = torch.load(checkpoint, weights_only=False)
print("note, what print() returned:", unsafe["note"])
# --8<-- [end:torch_pickle]


# --8<-- [start:torch_safetensors]
import json
import struct

from safetensors.torch import load_file, save_file

tensors_file = work / "tiny_mlp.safetensors"
save_file(state, tensors_file, metadata={"source": "tiny-hub"})
raw = tensors_file.read_bytes()
(header_size,) = struct.unpack("<Q", raw[:8])  # 8 bytes: the header's length
header = json.loads(raw[8 : 8 + header_size])
for name, entry in header.items():
    print(f"{name:12}", entry)
data_size = len(raw) - 8 - header_size
print(f"{len(raw)} bytes = 8 + {header_size} of header + {data_size} of data")

loaded = load_file(tensors_file)
diff = max((loaded[name] - state[name]).abs().max() for name in state)
print(f"max difference: {diff:.1e}")
# --8<-- [end:torch_safetensors]


# --8<-- [start:torch_exercise_1]
import contextlib

with contextlib.chdir(work):  # a folder named like a model on the Hub
    model.save_pretrained("google-bert/bert-base-uncased")
    by_name = AutoModel.from_pretrained("google-bert/bert-base-uncased")
print("by name:", type(by_name).__name__, "with", by_name.config.hidden_size)
with torch.no_grad():
    difference = (by_name(**batch).last_hidden_state - before).abs().max()
print(f"max difference: {difference:.1e}")
# --8<-- [end:torch_exercise_1]


# --8<-- [start:torch_exercise_2]
import argparse

settings = argparse.Namespace(epochs=3, learning_rate=0.01)
with_settings = work / "with_settings.pt"
torch.save({"weights": state, "settings": settings}, with_settings)
with torch.serialization.safe_globals([argparse.Namespace]):
    restored = torch.load(with_settings, weights_only=True)
print(restored["settings"])
# --8<-- [end:torch_exercise_2]
