"""run.py, the command that measures every claim (docs/performance/methodology.md).

The whole command, even with ``--fast``, takes minutes on a busy 2-core machine, so no test
runs it: one test runs the TensorFlow worker as a program at tiny sizes, and tests inside the
page's run check the rest of run.py with a stand-in for the worker processes.
"""

import json
import os
import subprocess
import sys

import pytest

from snippets.performance.harness import verdict
from tooling.pages import ROOT

PAGE = "docs/performance/methodology.md"
RESULTS = ROOT / "docs" / "performance" / "results"


@pytest.mark.program("snippets.performance.run")
def test_the_tensorflow_worker_measures_every_tensorflow_claim_at_tiny_sizes(tmp_path):
    out = tmp_path / "result.json"
    command = [sys.executable, "-m", "snippets.performance.run", "--worker", "tensorflow", "--fast",
               "--threads", "1", "--flags", "avx2,fma", "--out", str(out)]  # fmt: skip
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    published = {}
    for path in RESULTS.glob("cpu-*.json"):  # every machine measured the same claims
        published.update(json.loads(path.read_text(encoding="utf-8"))["claims"])
    claims = result["claims"]
    assert set(claims) == {cid for cid, c in published.items() if c["framework"] == "tensorflow"}
    assert result["gpu"] is None  # only the PyTorch worker looks for one
    for cid, c in claims.items():
        assert c["id"] == cid and c["framework"] == "tensorflow" and c["rounds"] == 3
        assert 0 < c["speedup_min"] <= c["speedup_median"] <= c["speedup_max"]
        assert c["optimized_first_s"] > 0 and c["optimized_setup_s"] >= 0
        assert c["verdict"] == verdict(c, ["avx2", "fma"], c["requires"])
    assert claims["tf_matmul_bf16"]["verdict"] == "not claimed: this CPU lacks avx512_bf16"
    assert claims["tf_matmul_bf16"]["baseline_gflops"] > 0 and claims["tf_matmul_bf16"]["optimized_gflops"] > 0
    for cid in ("tf_mlp_train", "tf_cnn_train"):
        assert claims[cid]["baseline_items_per_s"] == pytest.approx(256 / claims[cid]["baseline_s"])


def test_parse_cpuinfo_and_the_machine_name(page):
    text = "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\nmodel name\t: Intel(R) Xeon(R) Processor\n"
    cpu = page.parse_cpuinfo(text + "cpu MHz\t\t: 2100.000\nflags\t\t: fma avx2 amx_bf16\nmodel name\t: second\n")
    assert cpu["cpu_model"] == "Intel(R) Xeon(R) Processor" and cpu["cpu_mhz"] == 2100.0
    assert (cpu["cpu_family"], cpu["cpu_model_number"]) == ("6", "207") and "amx_bf16" in cpu["flags"]
    assert page.machine_name(cpu) == "intel-xeon-6-207"
    amd = dict(cpu, cpu_model="AMD EPYC 9R14 96-Core Processor", cpu_family="25", cpu_model_number="17")
    assert page.machine_name(amd) == "amd-epyc-9r14-25-17"


def test_the_machine_description_counts_every_core_and_fits_in_json(page):
    assert page.info["cores"] == os.cpu_count()
    assert json.loads(json.dumps(page.info)) == page.info  # as the results file stores it


class FakeMachine:
    """/proc/stat, our own CPU time and a clock, moved by hand (CLK_TCK ticks per second)."""

    def __init__(self):
        self.busy = self.own = self.now = 0.0

    def stat(self):
        ticks = round(self.busy * os.sysconf("SC_CLK_TCK"))
        return f"cpu  {ticks} 0 0 1000 0 0 0 0 0 0\ncpu0 ...\n"

    def run(self, seconds, ours, others):
        self.now += seconds
        self.own += ours * seconds
        self.busy += (ours + others) * seconds


def test_the_quiet_check_passes_our_own_work_and_fails_on_other_processes(page):
    machine = FakeMachine()
    quiet = page.QuietMachine(read_stat=machine.stat, own=lambda: machine.own, clock=lambda: machine.now)
    assert 0 < quiet.reference < 1  # the kernel's best time, in seconds
    quiet.reference = 1e3  # the kernel is judged on its own below
    machine.run(10, ours=2.0, others=0.1)  # both cores ours, a little background
    quiet.check()
    machine.run(10, ours=1.0, others=0.5)  # another program took half a core
    with pytest.raises(page.MachineBusy, match=r"other processes used 0\.50 cores"):
        quiet.check()
    machine.run(0.5, ours=0.0, others=2.0)  # too short a time to judge...
    quiet.check()
    machine.run(0.6, ours=1.0, others=0.0)  # ...so it counts in the next check
    with pytest.raises(page.MachineBusy, match=r"other processes used 0\.91 cores"):
        quiet.check()
    quiet.reference = 1e-9  # as if the kernel now ran far slower than at the start
    machine.run(10, ours=1.0, others=0.0)
    with pytest.raises(page.MachineBusy, match=r"used 0\.00 cores, and the calibration kernel ran \d+\.\d\dx"):
        quiet.check()


def test_the_kernel_is_judged_by_its_best_of_three_runs(page):
    quiet = page.QuietMachine(read_stat=None)
    quiet.reference = 1.0
    runs = iter([2.0, 1.1, 1.2, 2.0, 1.4, 1.5])  # one slow run; then all three slow
    quiet.time_kernel = lambda: next(runs)
    quiet.check()
    with pytest.raises(page.MachineBusy, match=r"calibration kernel ran 1\.40x its best time"):
        quiet.check()


def test_our_own_cpu_time_counts_this_process_and_what_it_started(page):
    before = page.own_cpu_seconds()
    subprocess.run([sys.executable, "-c", "sum(range(3_000_000))"], check=True)  # a child, reaped
    assert page.own_cpu_seconds() > before > 0


def test_without_proc_stat_only_the_kernel_is_checked(page):
    quiet = page.QuietMachine()
    quiet.read_stat = None  # as on a system without /proc
    assert quiet.snapshot()[:2] == (0.0, 0.0)


def test_a_busy_machine_is_waited_for_then_refused(page):
    answers, sleeps = iter([page.MachineBusy("busy"), None]), []

    def probe():
        answer = next(answers)
        if answer:
            raise answer
        return "quiet"

    assert page.wait_until_quiet(probe, wait_s=30, every_s=10, sleep=sleeps.append) == "quiet"
    assert sleeps == [10]

    def always_busy():
        raise page.MachineBusy("2.00 cores")

    with pytest.raises(page.MachineBusy, match=r"still busy after 30 s: 2.00 cores"):
        page.wait_until_quiet(always_busy, wait_s=30, every_s=10, sleep=lambda s: None)


def test_a_claim_with_a_noisy_round_is_measured_again_from_scratch(page):
    builds = []
    work = lambda: sum(range(1000))  # noqa: E731
    toy = page.Claim("toy", "a toy", "slow", "fast", lambda fast: builds.append(1) or page.Pair(work, work))

    class Flaky:
        calls = 0

        def calibrate(self):
            pass

        def check(self, kernel=True):
            Flaky.calls += 1
            if Flaky.calls == 3:  # a round of the first attempt was not quiet
                raise page.MachineBusy("noisy")

    result = page.measure_claim(toy, True, [], Flaky())  # with a quiet-machine check
    assert len(builds) == 2 and result["id"] == "toy"

    class NoisyRounds:  # quiet while waited for, noisy in every round
        calls = 0

        def calibrate(self):
            pass

        def check(self, kernel=True):
            NoisyRounds.calls += 1
            if NoisyRounds.calls % 2 == 0:
                raise page.MachineBusy("noisy")

    with pytest.raises(page.MachineBusy, match="toy: noisy in 3 tries"):
        page.measure_quietly(toy, True, [], NoisyRounds())
    assert NoisyRounds.calls == 6 and len(builds) == 5


def test_an_inconclusive_claim_is_measured_once_more(page):
    import time

    pauses = iter([0.001, 0.02] * 50)  # rounds 3x faster, then 7x slower: inconclusive

    def build(fast):
        return page.Pair(lambda: time.sleep(next(pauses)), lambda: time.sleep(0.006))

    toy = page.Claim("toy", "a toy", "slow", "fast", build)
    result = page.measure_settled(toy, True, [])
    assert result["remeasured"] is True and result["verdict"] == "inconclusive"


def test_a_remeasured_claim_keeps_the_first_call_of_its_first_measurement(page):
    import time

    pauses = iter([0.001, 0.02] * 50)  # inconclusive, as above
    firsts = iter([0.2, 0.0])  # a compile that is cached by the second measurement

    def build(fast):
        first = next(firsts)
        calls = []

        def optimized():
            time.sleep(0.006 + (first if not calls else 0.0))
            calls.append(1)

        return page.Pair(lambda: time.sleep(next(pauses)), optimized)

    result = page.measure_settled(page.Claim("toy", "a toy", "slow", "fast", build), True, [])
    assert result["remeasured"] is True and result["optimized_first_s"] >= 0.2
    assert result["optimized_setup_s"] == pytest.approx(result["optimized_first_s"] - result["optimized_s"])


def test_a_full_run_checks_the_machine_before_it_starts(page, monkeypatch, tmp_path):
    checks = []

    class Quiet:
        def check(self):
            checks.append("checked")

    monkeypatch.setattr(page.subprocess, "run", stand_in_worker([]))
    results = page.run_all(False, tmp_path, quiet_machine=Quiet)
    assert checks == ["checked"] and results["mode"] == "full"


def test_a_refused_run_exits_2_and_writes_nothing(page, monkeypatch, tmp_path, capsys):
    busy = subprocess.CompletedProcess([], page.BUSY, "", "other processes used 1.00 cores")
    monkeypatch.setattr(page.subprocess, "run", lambda *a, **k: busy)
    assert page.main(["--fast", "--out", str(tmp_path / "out")]) == 2
    message = "not measured, nothing written: tensorflow worker: other processes used 1.00 cores"
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_pytorch_worker_pins_the_threads_and_looks_for_a_gpu(page, monkeypatch, tmp_path):
    import torch

    monkeypatch.setitem(page.MODULES, "pytorch", [])  # no claims: the worker's own work only
    out = tmp_path / "result.json"
    cores = os.sched_getaffinity(0)
    try:
        page.worker("pytorch", True, 1, [], str(out))
        assert os.sched_getaffinity(0) == {0}  # the first core only
    finally:
        os.sched_setaffinity(0, cores)
    assert torch.get_num_threads() == 1 and torch.get_num_interop_threads() == 1
    assert json.loads(out.read_text(encoding="utf-8")) == {"claims": {}, "gpu": page.find_gpu()}


def stand_in_worker(commands):
    """A stand-in for ``subprocess.run`` that answers each worker command with one toy claim."""

    def run(command, **options):
        commands.append((command, options))
        out = command[command.index("--out") + 1]
        if "snippets.performance.gpu_profile" in command:  # the GPU run's profile report
            with open(out, "w", encoding="utf-8") as file:
                file.write("device: cuda\n")
            return subprocess.CompletedProcess(command, 0, "", "")
        framework = command[command.index("--worker") + 1]
        toy = {"speedup_median": 2.0, "speedup_min": 1.5, "speedup_max": 3.0}
        gpu = "Toy GPU 7, 1 GiB, CUDA 1.0" if framework.startswith("pytorch") else None
        found = {"claims": {f"{framework}_toy": toy}, "gpu": gpu}
        with open(out, "w", encoding="utf-8") as file:
            json.dump(found, file)
        return subprocess.CompletedProcess(command, 0, "", "")

    return run


def test_the_command_runs_one_worker_per_framework_and_writes_results_and_plot(page, monkeypatch, tmp_path, capsys):
    commands = []
    monkeypatch.setattr(page.subprocess, "run", stand_in_worker(commands))
    assert page.main(["--fast", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("2 claims in ")
    machine = page.machine_info()
    results = json.loads((tmp_path / f"cpu-{page.machine_name(machine)}.json").read_text(encoding="utf-8"))
    machine = results["machine"]
    assert results["mode"] == "fast" and results["threads"] == machine["cores"]
    assert set(results["claims"]) == {"tensorflow_toy", "pytorch_toy"}
    assert machine["gpu"] == "Toy GPU 7, 1 GiB, CUDA 1.0"  # the GPU the PyTorch worker found
    for (command, options), framework in zip(commands, ["tensorflow", "pytorch"], strict=True):
        # The program the test above runs for real, with the machine's thread count and flags.
        assert command[:5] == [sys.executable, "-m", "snippets.performance.run", "--worker", framework]
        assert command[command.index("--threads") + 1] == str(machine["cores"])
        assert command[command.index("--flags") + 1] == ",".join(machine["cpu_flags"])
        assert command[-1] == "--fast" and options["timeout"] > 0
    assert (tmp_path / f"cpu-{page.machine_name(machine)}.png").read_bytes()[:4] == b"\x89PNG"


def test_a_failing_worker_fails_the_run(page, monkeypatch):
    failed = subprocess.CompletedProcess([], 1, "", "boom")
    monkeypatch.setattr(page.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(RuntimeError, match="tensorflow worker failed:\nboom"):
        page.run_worker("tensorflow", True, 2, [])


def test_the_gpu_run_measures_the_gpu_claims_and_writes_their_profile(page, monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(page.subprocess, "run", stand_in_worker(commands))
    assert page.main(["--gpu", "--fast", "--out", str(tmp_path)]) == 0
    worker, profile = (command for command, _options in commands)
    assert worker[3:5] == ["--worker", "pytorch-gpu"] and worker[-1] == "--fast"
    assert profile[:3] == [sys.executable, "-m", "snippets.performance.gpu_profile"]
    results = json.loads((tmp_path / "gpu-toy-gpu-7.json").read_text(encoding="utf-8"))
    assert set(results["claims"]) == {"pytorch-gpu_toy"} and results["machine"]["gpu"].startswith("Toy GPU 7")
    assert (tmp_path / "gpu-toy-gpu-7-profile.txt").read_text(encoding="utf-8") == "device: cuda\n"
    assert (tmp_path / "gpu-toy-gpu-7.png").is_file()


def test_the_gpu_worker_refuses_a_machine_without_a_gpu(page, monkeypatch, tmp_path, capsys):
    namespace = page.worker.__globals__  # the page's objects are read-only, its namespace is not
    monkeypatch.setitem(namespace, "find_gpu", lambda: None)
    monkeypatch.setitem(namespace, "fix_threads", lambda framework, threads: None)  # tested above
    code = page.main(["--worker", "pytorch-gpu", "--threads", "1", "--out", str(tmp_path / "r.json")])
    assert code == 2 and capsys.readouterr().err == "no CUDA GPU on this machine\n"
    assert not (tmp_path / "r.json").exists()


def test_the_machine_names_only_the_libraries_installed(page):
    assert page.installed("torch") == page.version("torch")
    assert page.installed("no-such-package-here") is None  # a GPU machine may lack TensorFlow


def test_the_gpu_is_described_by_model_memory_and_cuda_version(page, monkeypatch):
    import types

    import torch

    gpu = types.SimpleNamespace(name="Toy GPU 7", total_memory=140 * 2**30)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda index: gpu)
    monkeypatch.setattr(torch.version, "cuda", "13.0")
    assert page.find_gpu() == "Toy GPU 7, 140 GiB, CUDA 13.0"
    assert page.gpu_file_name(page.find_gpu()) == "gpu-toy-gpu-7"


def test_a_failing_gpu_profile_fails_the_run(page, monkeypatch, tmp_path):
    failed = subprocess.CompletedProcess([], 1, "", "no kernels")
    monkeypatch.setattr(page.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(RuntimeError, match="gpu_profile failed:\nno kernels"):
        page.profile_gpu(True, tmp_path / "profile.txt")
