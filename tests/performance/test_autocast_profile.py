"""The autocast diagnosis on docs/performance/pytorch-cpu.md counts what the page says it counts.

The page's output pins the operator and cast counts; here the casts are tied to the model:
two per weight or bias (forward to bfloat16, gradient back to float32), one for the input,
two for the logits.
"""

PAGE = "docs/performance/pytorch-cpu.md"


def test_the_casts_are_two_per_parameter_one_input_and_the_logits_both_ways(page):
    parameters = list(page.classifier(512).parameters())
    shapes = {tuple(p.shape): 0 for p in parameters}
    for p in parameters:
        shapes[tuple(p.shape)] += 2
    shapes[(128, 64)] = 1  # the input batch
    shapes[(128, 10)] = 2  # the logits, to float32 and back
    assert {tuple(e.input_shapes[0]): e.count for e in page.cast_events} == shapes
    assert sum(shapes.values()) == 15


def test_float32_steps_cast_nothing_and_both_run_the_same_matmuls(page):
    counts = {dtype: page.profile_step(dtype).key_averages() for dtype in (None, page.torch.bfloat16)}
    for dtype, averages in counts.items():
        ops = {e.key: e.count for e in averages}
        assert sum(ops.get(k, 0) for k in page.MATMULS) == 8, dtype
    assert not any(e.key in page.CASTS for e in counts[None])
