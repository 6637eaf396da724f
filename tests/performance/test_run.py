"""run.py, the command that measures every claim (docs/performance/index.md).

The whole command, even with ``--fast``, takes minutes on a busy 2-core machine, so no test
runs it: one test runs the TensorFlow worker as a program at tiny sizes, and tests inside the
page's run check the rest of run.py with a stand-in for the worker processes.
"""

import json
import subprocess
import sys

import pytest

from snippets.performance.harness import verdict
from tooling.pages import ROOT

PAGE = "docs/performance/index.md"
PUBLISHED = ROOT / "docs" / "performance" / "results" / "cpu.json"


@pytest.mark.program("snippets.performance.run")
def test_the_tensorflow_worker_measures_every_tensorflow_claim_at_tiny_sizes(tmp_path):
    out = tmp_path / "result.json"
    command = [sys.executable, "-m", "snippets.performance.run", "--worker", "tensorflow", "--fast",
               "--threads", "1", "--flags", "avx2,fma", "--out", str(out)]  # fmt: skip
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    published = json.loads(PUBLISHED.read_text(encoding="utf-8"))["claims"]
    claims = result["claims"]
    assert set(claims) == {cid for cid, c in published.items() if c["framework"] == "tensorflow"}
    assert result["gpu"] is None  # only the PyTorch worker looks for one
    for cid, c in claims.items():
        assert c["id"] == cid and c["framework"] == "tensorflow" and c["rounds"] == 5
        assert 0 < c["speedup_min"] <= c["speedup_median"] <= c["speedup_max"]
        assert c["optimized_first_s"] > 0 and c["optimized_setup_s"] >= 0
        assert c["verdict"] == verdict(c, ["avx2", "fma"], c["requires"])
    assert claims["tf_matmul_bf16"]["verdict"] == "not claimed: this CPU lacks avx512_bf16"
    assert claims["tf_matmul_bf16"]["baseline_gflops"] > 0 and claims["tf_matmul_bf16"]["optimized_gflops"] > 0
    for cid in ("tf_mlp_train", "tf_cnn_train"):
        assert claims[cid]["baseline_items_per_s"] == pytest.approx(256 / claims[cid]["baseline_s"])


def test_parse_cpuinfo_and_peak(page):
    text = "vendor_id\t: GenuineIntel\nmodel name\t: Xeon\ncpu MHz\t\t: 2000.0\nflags\t\t: fma avx2 avx512f amx_bf16\n"
    cpu = page.parse_cpuinfo(text + "model name\t: second core\n")
    assert cpu["cpu_model"] == "Xeon" and cpu["cpu_mhz"] == 2000.0 and "amx_bf16" in cpu["flags"]
    assert page.peak_gflops(cpu, 2) == (2 * 2.0 * 64, 64)  # 512-bit, 2 FMA units: 64 FLOP/cycle
    amd = dict(cpu, cpu_vendor="AuthenticAMD")
    assert page.peak_gflops(amd, 2) == (2 * 2.0 * 32, 32)
    assert page.peak_gflops(dict(cpu, flags=["avx2"]), 1)[1] == 32
    assert page.peak_gflops(dict(cpu, flags=[]), 1)[1] == 16


def test_the_pytorch_worker_pins_the_threads_and_looks_for_a_gpu(page, monkeypatch, tmp_path):
    import torch

    monkeypatch.setitem(page.MODULES, "pytorch", [])  # no claims: the worker's own work only
    out = tmp_path / "result.json"
    page.worker("pytorch", True, 1, [], str(out))
    assert torch.get_num_threads() == 1 and torch.get_num_interop_threads() == 1
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    assert json.loads(out.read_text(encoding="utf-8")) == {"claims": {}, "gpu": gpu}


def stand_in_worker(commands):
    """A stand-in for ``subprocess.run`` that answers each worker command with one toy claim."""

    def run(command, **options):
        commands.append((command, options))
        framework = command[command.index("--worker") + 1]
        toy = {"speedup_median": 2.0, "speedup_min": 1.5, "speedup_max": 3.0}
        found = {"claims": {f"{framework}_toy": toy}, "gpu": "Toy GPU" if framework == "pytorch" else None}
        with open(command[command.index("--out") + 1], "w", encoding="utf-8") as file:
            json.dump(found, file)
        return subprocess.CompletedProcess(command, 0, "", "")

    return run


def test_the_command_runs_one_worker_per_framework_and_writes_results_and_plot(page, monkeypatch, tmp_path, capsys):
    commands = []
    monkeypatch.setattr(page.subprocess, "run", stand_in_worker(commands))
    assert page.main(["--fast", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("2 claims in ")
    results = json.loads((tmp_path / "cpu.json").read_text(encoding="utf-8"))
    machine = results["machine"]
    assert results["mode"] == "fast" and results["threads"] == machine["cores"]
    assert set(results["claims"]) == {"tensorflow_toy", "pytorch_toy"}
    assert machine["gpu"] == "Toy GPU"  # the GPU the PyTorch worker found
    for (command, options), framework in zip(commands, ["tensorflow", "pytorch"], strict=True):
        # The program the test above runs for real, with the machine's thread count and flags.
        assert command[:5] == [sys.executable, "-m", "snippets.performance.run", "--worker", framework]
        assert command[command.index("--threads") + 1] == str(machine["cores"])
        assert command[command.index("--flags") + 1] == ",".join(machine["cpu_flags"])
        assert command[-1] == "--fast" and options["timeout"] > 0
    assert (tmp_path / "speedups.png").read_bytes()[:4] == b"\x89PNG"


def test_a_failing_worker_fails_the_run(page, monkeypatch):
    failed = subprocess.CompletedProcess([], 1, "", "boom")
    monkeypatch.setattr(page.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(RuntimeError, match="tensorflow worker failed:\nboom"):
        page.run_worker("tensorflow", True, 2, [])
