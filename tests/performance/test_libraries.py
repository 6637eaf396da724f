"""How docs/performance/frameworks.md reads the oneMKL and oneDNN logs of a matmul.

The page's output pins which library each framework called; these tests feed the parser
made-up log lines, so that a line it misreads or drops fails here with the line in view.
"""

import subprocess

import pytest

PAGE = "docs/performance/frameworks.md"

LOG = [
    "MKL_VERBOSE oneMKL 2024.0 Update 2 Product build 20240605 for Intel(R) 64 architecture",
    "MKL_VERBOSE SGEMM(N,N,256,256,256,0x7ffe,0x560d,256) 962.73us CNR:OFF Dyn:1 FastMM:1 TID:0  NThr:3",
    "onednn_verbose,v1,info,oneDNN v3.12.0 (commit 80afa71049cd69a3df32adcccb623b12cd7baa22)",
    "onednn_verbose,v1,info,cpu,runtime:OpenMP,nthr:3",
    "onednn_verbose,v1,info,cpu,isa:Intel AVX-512",
    "onednn_verbose,v1,primitive,info,template:operation,engine,primitive,implementation",
    "onednn_verbose,v1,primitive,exec,cpu,matmul,brg_matmul:avx10_1_512_amx,undef,src:bf16,,256x256:256x256,0.25",
    "something else the program printed",
    "MKL_VERBOSE SGEMM(N,N,256,256,256,0x7ffe,0x560d,256) 951.20us CNR:OFF Dyn:1 FastMM:1 TID:0  NThr:3",
]


def test_the_logs_are_read_line_by_line_in_order_each_line_once(torch_page):
    code = "\n".join(f"print({line!r})" for line in LOG)
    assert torch_page.library_calls(code) == [
        "oneMKL 2024.0 Update 2",
        "  runs SGEMM, 3 thread(s)",
        "oneDNN v3.12.0",
        "  OpenMP runtime, 3 thread(s)",
        "  runs matmul",
    ]


def test_a_child_that_fails_raises(torch_page):
    with pytest.raises(subprocess.CalledProcessError):
        torch_page.library_calls("raise SystemExit(3)")

