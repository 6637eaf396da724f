"""The run command in fast mode: one complete results file, machine recorded, plot written."""

import json
import subprocess

import pytest

from snippets.performance import frameworks_tf, frameworks_torch, run, tf_cpu, torch_cpu
from snippets.performance.harness import verdict

ALL_IDS = {c.id for mod in (tf_cpu, torch_cpu, frameworks_tf, frameworks_torch) for c in mod.CLAIMS}


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("perf")
    assert run.main(["--fast", "--out", str(out)]) == 0
    return out, json.loads((out / "cpu.json").read_text())


def test_fast_run_measures_every_claim_with_its_verdict(fast_run):
    _out, results = fast_run
    assert results["mode"] == "fast" and results["threads"] == results["machine"]["cores"]
    assert set(results["claims"]) == ALL_IDS and len(ALL_IDS) >= 20
    flags = results["machine"]["cpu_flags"]
    for cid, c in results["claims"].items():
        assert c["id"] == cid and c["framework"] in ("tensorflow", "pytorch")
        assert c["rounds"] >= 5
        assert 0 < c["speedup_min"] <= c["speedup_median"] <= c["speedup_max"]
        assert c["optimized_first_s"] > 0 and c["optimized_setup_s"] >= 0
        assert c["verdict"] == verdict(c, flags, c["requires"])


def test_rates_are_recorded_for_throughput_claims(fast_run):
    claims = fast_run[1]["claims"]
    for cid in ("tf_matmul_bf16", "torch_matmul_bf16"):
        assert claims[cid]["baseline_gflops"] > 0 and claims[cid]["optimized_gflops"] > 0
    for cid in ("tf_mlp_train", "tf_cnn_train", "torch_mlp_train", "torch_cnn_train"):
        c = claims[cid]
        assert c["baseline_items_per_s"] == pytest.approx(256 / c["baseline_s"])


def test_the_machine_is_recorded(fast_run):
    out, results = fast_run
    machine = results["machine"]
    for key in ("cpu_model", "cpu_flags", "cores", "load_average", "peak_gflops_fp32", "gpu", "date"):
        assert key in machine
    assert set(machine["versions"]) == {"tensorflow", "keras", "torch", "numpy"}
    assert len(machine["load_average"]) == 3
    assert (out / "speedups.png").read_bytes()[:4] == b"\x89PNG"


def test_parse_cpuinfo_and_peak():
    text = "vendor_id\t: GenuineIntel\nmodel name\t: Xeon\ncpu MHz\t\t: 2000.0\nflags\t\t: fma avx2 avx512f amx_bf16\n"
    cpu = run.parse_cpuinfo(text + "model name\t: second core\n")
    assert cpu["cpu_model"] == "Xeon" and cpu["cpu_mhz"] == 2000.0 and "amx_bf16" in cpu["flags"]
    assert run.peak_gflops(cpu, 2) == (2 * 2.0 * 64, 64)  # 512-bit, 2 FMA units: 64 FLOP/cycle
    amd = dict(cpu, cpu_vendor="AuthenticAMD")
    assert run.peak_gflops(amd, 2) == (2 * 2.0 * 32, 32)
    assert run.peak_gflops(dict(cpu, flags=["avx2"]), 1)[1] == 32
    assert run.peak_gflops(dict(cpu, flags=[]), 1)[1] == 16


def test_only_the_command_itself_runs_the_benchmarks(monkeypatch):
    monkeypatch.setattr("sys.orig_argv", ["python", "-m", "snippets.performance.run", "--fast"])
    assert run.is_the_command()
    monkeypatch.setattr("sys.orig_argv", ["python", "-m", "tooling.pagerun", "--child", "page.md"])
    assert not run.is_the_command()


def test_a_failing_worker_fails_the_run(monkeypatch):
    failed = subprocess.CompletedProcess([], 1, "", "boom")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(RuntimeError, match="tensorflow worker failed:\nboom"):
        run.run_worker("tensorflow", True, 2, [])
