"""Automatic differentiation in TensorFlow and PyTorch: code of docs/foundations/autodiff.md.

Run it as a program with ``python -m snippets.foundations.autodiff``.
"""

# --8<-- [start:by_hand]
import math

# f(x, y) = (x·y + sin x)², as a graph of four elementary steps.
x_val, y_val = 0.5, 2.0
a = x_val * y_val  # a = x·y
b = math.sin(x_val)  # b = sin x
c = a + b  # c = a + b
f_val = c**2  # f = c²

# Reverse sweep: start from df/df = 1 and apply the chain rule backwards,
# one step at a time, multiplying by each step's local derivative.
# v_bar ("v bar") is df/dv, the adjoint of v.
f_bar = 1.0
c_bar = f_bar * 2 * c  # df/dc
a_bar = c_bar * 1.0  # df/da = df/dc · dc/da
b_bar = c_bar * 1.0  # df/db = df/dc · dc/db
# x feeds two steps (a and b): its contributions add up.
x_bar = a_bar * y_val + b_bar * math.cos(x_val)
y_bar = a_bar * x_val
print(f"f = {f_val:.4f}, df/dx = {x_bar:.4f}, df/dy = {y_bar:.4f}")
# --8<-- [end:by_hand]

# --8<-- [start:draw_graph]
import os

from matplotlib.figure import Figure

# Each node of the graph: its place (column, row), its step, its forward
# value and the gradient of f with respect to it, from the block above.
nodes = {
    "x": ((0, 1), "x", x_val, x_bar),
    "b": ((1, 1), "b = sin x", b, b_bar),
    "y": ((0, 0), "y", y_val, y_bar),
    "a": ((1, 0), "a = x·y", a, a_bar),
    "c": ((2, 0), "c = a + b", c, c_bar),
    "f": ((3, 0), "f = c²", f_val, f_bar),
}
arrows = [("x", "b"), ("x", "a"), ("y", "a"), ("a", "c"), ("b", "c"),
          ("c", "f")]


def draw_graph(nodes, arrows, path):
    """Draw each node as a box with its forward value and, in red, the
    gradient of f with respect to it, and an arrow from each input of a
    step to the step; save the picture as the PNG file path, and return
    the file's full path."""
    fig = Figure(figsize=(7, 3))
    ax = fig.subplots()
    boxes = {}
    for name, ((col, row), step, value, grad) in nodes.items():
        boxes[name] = ax.text(col, row, f"{step}\n{value:.4f}", ha="center",
                              va="center", bbox=dict(facecolor="white"))
        # The gradient above the top row, below the bottom one: off the
        # arrows' paths.
        label_row = row + 0.3 if row == 1 else row - 0.3
        ax.text(col, label_row, f"∂f/∂{name} = {grad:.4f}", ha="center",
                va="center", color="firebrick")
    for start, end in arrows:  # from the box of start to the box of end
        ax.annotate("", xy=(0.5, 0.5), xycoords=boxes[end],
                    xytext=(0.5, 0.5), textcoords=boxes[start],
                    arrowprops=dict(arrowstyle="->",
                                    patchA=boxes[start].get_bbox_patch(),
                                    patchB=boxes[end].get_bbox_patch()))
    ax.text(2.5, 1.15, "box: step and forward value", ha="center")
    ax.text(2.5, 0.9, "red: gradient of f (reverse pass)", ha="center",
            color="firebrick")
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(-0.5, 1.5)
    ax.axis("off")
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return os.path.abspath(path)


graph_file = draw_graph(nodes, arrows, "autodiff-graph.png")
# --8<-- [end:draw_graph]

# --8<-- [start:tf_tape]
import tensorflow as tf


def f_tf(x, y):
    return (x * y + tf.sin(x)) ** 2


x = tf.Variable(0.5)
y = tf.Variable(2.0)
with tf.GradientTape() as tape:  # records operations on watched variables
    f = f_tf(x, y)
df_dx, df_dy = tape.gradient(f, [x, y])
print(f"f = {f:.4f}, df/dx = {df_dx:.4f}, df/dy = {df_dy:.4f}")
# --8<-- [end:tf_tape]

# --8<-- [start:torch_backward]
import torch


def f_torch(x, y):
    return (x * y + torch.sin(x)) ** 2


x_pt = torch.tensor(0.5, requires_grad=True)  # record operations on x
y_pt = torch.tensor(2.0, requires_grad=True)
f_pt = f_torch(x_pt, y_pt)
f_pt.backward()  # fills .grad of every leaf that requires grad
print(f"f = {f_pt:.4f}, df/dx = {x_pt.grad:.4f}, df/dy = {y_pt.grad:.4f}")
# --8<-- [end:torch_backward]

# --8<-- [start:tf_forward]
x_fw, y_fw = tf.constant(0.5), tf.constant(2.0)
direction = (tf.constant(1.0), tf.constant(1.0))  # one tangent per input
with tf.autodiff.ForwardAccumulator(
    primals=(x_fw, y_fw), tangents=direction
) as acc:
    f_fw = f_tf(x_fw, y_fw)  # values and tangents are computed together
jvp_tf = acc.jvp(f_fw)  # df/dx·1 + df/dy·1, in the same forward pass
print(f"forward mode, direction (1, 1): {jvp_tf:.4f}")
print(f"reverse mode, df/dx + df/dy:    {df_dx + df_dy:.4f}")
# --8<-- [end:tf_forward]

# --8<-- [start:torch_forward]
from torch.func import jvp

primals = (torch.tensor(0.5), torch.tensor(2.0))
direction_pt = (torch.tensor(1.0), torch.tensor(1.0))  # one tangent per input
f_fw_pt, jvp_pt = jvp(f_torch, primals, direction_pt)  # (value, JVP)
print(f"forward mode, direction (1, 1): {jvp_pt:.4f}")
# Reverse mode on fresh leaves, for comparison:
x_rev, y_rev = (p.clone().requires_grad_() for p in primals)
grad_x, grad_y = torch.autograd.grad(f_torch(x_rev, y_rev), (x_rev, y_rev))
print(f"reverse mode, df/dx + df/dy:    {grad_x + grad_y:.4f}")
# --8<-- [end:torch_forward]

# --8<-- [start:tf_watch]
const = tf.constant(3.0)  # a constant is not watched by default
with tf.GradientTape() as tape:
    square = const**2
print(tape.gradient(square, const))  # None: nothing was recorded

with tf.GradientTape() as tape:
    tape.watch(const)
    square = const**2
print(tape.gradient(square, const))

frozen = tf.Variable(3.0, trainable=False)  # a variable, but not trainable
with tf.GradientTape() as tape:
    square = frozen**2
print(tape.gradient(square, frozen))  # None: not watched either

with tf.GradientTape() as tape:
    cube = const**3
try:
    tape.gradient(cube, const)
    tape.gradient(cube, const)  # a tape can be used once...
except RuntimeError as err:
    print("RuntimeError:", str(err).split(".")[0])

with tf.GradientTape(persistent=True) as tape:  # ...unless persistent
    tape.watch(const)
    square, cube = const**2, const**3
print(tape.gradient(square, const).numpy(), tape.gradient(cube, const).numpy())
del tape  # a persistent tape holds its resources until deleted
# --8<-- [end:tf_watch]

# --8<-- [start:torch_accumulate]
w = torch.tensor(3.0, requires_grad=True)
(w**2).backward()
print(w.grad)  # d(w²)/dw = 6
(w**2).backward()
print(w.grad)  # 12: backward ADDS to .grad, it does not overwrite it
w.grad = None  # reset before the next step (optimizer.zero_grad() does this)

cube_pt = w**3
cube_pt.backward(retain_graph=True)  # keep the graph for a second pass
cube_pt.backward()  # without retain_graph above, this line would raise
print(w.grad)  # 27 + 27

const_pt = torch.tensor(3.0)  # requires_grad=False: not recorded
print((const_pt**2).requires_grad)
# --8<-- [end:torch_accumulate]

# --8<-- [start:tf_stop]
x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    # Only the first factor is differentiated: d/dx [x · c] with c = x.
    product = x * tf.stop_gradient(x)
print(tape.gradient(product, x).numpy())  # 2.0, not 4.0
# --8<-- [end:tf_stop]

# --8<-- [start:torch_detach]
x_pt = torch.tensor(2.0, requires_grad=True)
product_pt = x_pt * x_pt.detach()  # detach(): same values, no history
product_pt.backward()
print(x_pt.grad.item())  # .item(): the value as a Python float; 2.0, not 4.0

with torch.no_grad():  # nothing inside is recorded, e.g. parameter updates
    print((x_pt * 3).requires_grad)
# --8<-- [end:torch_detach]


# --8<-- [start:torch_inplace]
t_pt = torch.tensor([1.0, 2.0], requires_grad=True)
s_pt = torch.sigmoid(t_pt)  # sigmoid's backward reuses its output s_pt
s_pt.mul_(2)  # in place: overwrites the values backward needs
try:
    s_pt.sum().backward()
except RuntimeError as err:
    print("RuntimeError:", str(err).split(": [")[0])
    print(str(err).split("], ")[1].split(";")[0])
# --8<-- [end:torch_inplace]


# --8<-- [start:tf_higher]
def cube_tf(x):
    return x**3 - 2 * x


x = tf.Variable(1.5)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = cube_tf(x)
    dy = inner.gradient(y, x)  # 3x² - 2, itself recorded by `outer`
d2y = outer.gradient(dy, x)  # 6x
print(f"dy/dx = {dy:.2f}, d²y/dx² = {d2y:.2f}")
# --8<-- [end:tf_higher]


# --8<-- [start:torch_higher]
def cube_torch(x):
    return x**3 - 2 * x


x_pt = torch.tensor(1.5, requires_grad=True)
y_pt = cube_torch(x_pt)
# create_graph=True records the backward pass so it can be differentiated.
(dy_pt,) = torch.autograd.grad(y_pt, x_pt, create_graph=True)
(d2y_pt,) = torch.autograd.grad(dy_pt, x_pt)
print(f"dy/dx = {dy_pt:.2f}, d²y/dx² = {d2y_pt:.2f}")
# --8<-- [end:torch_higher]


# --8<-- [start:tf_vector_target]
v_in = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    v_out = v_in**2  # a result with three values, not one
print(tape.gradient(v_out, v_in).numpy())  # that of sum(v_out): 2·v_in
mix = tf.constant([1.0, 0.0, -1.0])  # weights for the three values
print(tape.gradient(v_out, v_in, output_gradients=mix).numpy())
del tape
# --8<-- [end:tf_vector_target]

# --8<-- [start:torch_vector_target]
v_in_pt = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
v_out_pt = v_in_pt**2  # a result with three values, not one
try:
    v_out_pt.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
v_out_pt.backward(gradient=torch.ones(3), retain_graph=True)  # sum(v_out)
print(v_in_pt.grad)
v_in_pt.grad = None
v_out_pt.backward(gradient=torch.tensor([1.0, 0.0, -1.0]))  # weighted
print(v_in_pt.grad)
# --8<-- [end:torch_vector_target]


# --8<-- [start:tf_jacobian]
def g_tf(v):  # R² -> R²
    return tf.stack([v[0] ** 2 * v[1], 5 * v[0] + tf.sin(v[1])])


def h_tf(v):  # R² -> R, a scalar to take the Hessian of
    return v[0] ** 2 * v[1] + v[1] ** 3


v = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    out = g_tf(v)
jac = tape.jacobian(out, v)  # shape (outputs, inputs)
print(jac.numpy())

with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        value = h_tf(v)
    grad = inner.gradient(value, v)
hess = outer.jacobian(grad, v)  # the Jacobian of the gradient
print(hess.numpy())
# --8<-- [end:tf_jacobian]


# --8<-- [start:torch_jacobian]
from torch.func import jacrev


def g_torch(v):
    return torch.stack([v[0] ** 2 * v[1], 5 * v[0] + torch.sin(v[1])])


def h_torch(v):
    return v[0] ** 2 * v[1] + v[1] ** 3


v_pt = torch.tensor([1.0, 2.0])  # torch.func needs no requires_grad
jac_pt = jacrev(g_torch)(v_pt)  # jacrev(f) is a new function: f's Jacobian
hess_pt = jacrev(jacrev(h_torch))(v_pt)  # the Jacobian of the gradient
print(jac_pt)
print(hess_pt)
# --8<-- [end:torch_jacobian]

# --8<-- [start:tf_no_gradient]
x = tf.Variable([0.4, 1.6, 2.5])
logits = tf.Variable([[0.5, 0.0, -0.5]])  # a 3-way categorical distribution
with tf.GradientTape(persistent=True) as tape:
    rounded = tf.round(x)
    index = tf.argmax(x)
    as_int = tf.cast(x, tf.int32)
    drawn = tf.random.stateless_categorical(logits, 4, seed=[0, 1])  # 4 draws
print("round", tape.gradient(rounded, x))
print("round, zeros asked for",
      tape.gradient(rounded, x, unconnected_gradients="zero").numpy())
print("argmax", tape.gradient(index, x))
print("cast", tape.gradient(as_int, x))
print("categorical", drawn.numpy(), tape.gradient(drawn, logits))
del tape
# --8<-- [end:tf_no_gradient]

# --8<-- [start:torch_no_gradient]
from torch.distributions import Categorical

x_pt = torch.tensor([0.4, 1.6, 2.5], requires_grad=True)
torch.round(x_pt).sum().backward()
print("round", x_pt.grad)  # zero almost everywhere: useless for learning
print("argmax", torch.argmax(x_pt).requires_grad)
print("cast", x_pt.long().requires_grad)
logits_pt = torch.tensor([0.5, 0.0, -0.5], requires_grad=True)
gen = torch.Generator().manual_seed(0)
drawn_pt = torch.multinomial(
    torch.softmax(logits_pt, 0), 4, replacement=True, generator=gen
)
print("multinomial", drawn_pt, drawn_pt.requires_grad)
print(
    "Categorical.sample",
    Categorical(logits=logits_pt).sample().requires_grad,
)
# --8<-- [end:torch_no_gradient]

# --8<-- [start:tf_kinks]
zero = tf.Variable(0.0)
with tf.GradientTape(persistent=True) as tape:
    at_kink = {
        "relu": tf.nn.relu(zero),
        "abs": tf.abs(zero),
        "maximum(x, 0)": tf.maximum(zero, 0.0),
    }
for name, result in at_kink.items():
    print(f"{name} at x = 0: {tape.gradient(result, zero).numpy()}")
del tape
tie = tf.Variable([1.0, 1.0, 0.0])
with tf.GradientTape() as tape:
    largest = tf.reduce_max(tie)
print("reduce_max of [1, 1, 0]:", tape.gradient(largest, tie).numpy())
# --8<-- [end:tf_kinks]

# --8<-- [start:torch_kinks]
def maximum_with_zero(t):
    return torch.maximum(t, torch.zeros(()))


for name, fn in [
    ("relu", torch.relu),
    ("abs", torch.abs),
    ("maximum(x, 0)", maximum_with_zero),
]:
    zero_pt = torch.tensor(0.0, requires_grad=True)
    fn(zero_pt).backward()
    print(f"{name} at x = 0: {zero_pt.grad.item()}")
tie_pt = torch.tensor([1.0, 1.0, 0.0], requires_grad=True)
tie_pt.max().backward()  # the maximum of all elements
print("max() of [1, 1, 0]:", tie_pt.grad)
tie_pt.grad = None
largest_pt, index_pt = tie_pt.max(dim=0)  # a value and the index it came from
largest_pt.backward()
print(f"max(dim=0) of [1, 1, 0]: index {index_pt.item()},", tie_pt.grad)
# --8<-- [end:torch_kinks]


# --8<-- [start:tf_ste]
def round_ste_tf(x):
    """Rounds on the way forward; passes the gradient through unchanged."""
    return x + tf.stop_gradient(tf.round(x) - x)


x = tf.Variable([0.4, 1.6, 2.5])
weights = tf.constant([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    q = round_ste_tf(x)
    loss = tf.reduce_sum(weights * q)
print(q.numpy(), tape.gradient(loss, x).numpy())
# --8<-- [end:tf_ste]


# --8<-- [start:torch_ste]
def round_ste_torch(x):
    """Rounds on the way forward; passes the gradient through unchanged."""
    return x + (torch.round(x) - x).detach()


x_pt = torch.tensor([0.4, 1.6, 2.5], requires_grad=True)
weights_pt = torch.tensor([1.0, 2.0, 3.0])
q_pt = round_ste_torch(x_pt)
(weights_pt * q_pt).sum().backward()
print(q_pt.detach(), x_pt.grad)
# --8<-- [end:torch_ste]


# --8<-- [start:tf_custom_gradient]
@tf.custom_gradient
def round_passing_gradient(x):
    """tf.round on the way forward, with a backward pass written by hand."""

    def backward(upstream):  # d(loss)/d(output) -> d(loss)/d(x)
        return upstream  # the straight-through choice: as if it were x

    return tf.round(x), backward


x = tf.Variable([0.4, 1.6, 2.5])
with tf.GradientTape() as tape:
    q = round_passing_gradient(x)
    loss = tf.reduce_sum(weights * q)
print(q.numpy(), tape.gradient(loss, x).numpy())
# --8<-- [end:tf_custom_gradient]


# --8<-- [start:torch_custom_gradient]
class RoundPassingGradient(torch.autograd.Function):
    """torch.round on the way forward, with a backward pass written by hand."""

    @staticmethod
    def forward(ctx, x):  # this backward needs nothing saved in ctx
        return torch.round(x)

    @staticmethod
    def backward(ctx, upstream):  # d(loss)/d(output) -> d(loss)/d(x)
        return upstream  # the straight-through choice: as if it were x


x_pt = torch.tensor([0.4, 1.6, 2.5], requires_grad=True)
q_pt = RoundPassingGradient.apply(x_pt)
(weights_pt * q_pt).sum().backward()
print(q_pt.detach(), x_pt.grad)
# --8<-- [end:torch_custom_gradient]


# --8<-- [start:tf_reparam]
def sample_tf(mu, sigma, eps):
    """z ~ Normal(mu, sigma²), written as a differentiable function of noise."""
    return mu + sigma * eps


eps = tf.random.Generator.from_seed(0).normal([1000])
mu, sigma = tf.Variable(0.5), tf.Variable(2.0)
with tf.GradientTape() as tape:
    z = sample_tf(mu, sigma, eps)
    loss = tf.reduce_mean(z**2)  # a Monte Carlo estimate of E[z²]
d_mu, d_sigma = tape.gradient(loss, [mu, sigma])
# E[z²] = mu² + sigma²: exact gradients 2·mu = 1 and 2·sigma = 4.
# The estimates average one gradient per sample, 2z and 2z·eps; their
# standard error is the standard deviation of those over √1000.
se_mu = tf.math.reduce_std(2 * z) / 1000**0.5
se_sigma = tf.math.reduce_std(2 * z * eps) / 1000**0.5
print(f"d/dmu = {d_mu:.2f} (standard error {se_mu:.2f}), "
      f"d/dsigma = {d_sigma:.2f} (standard error {se_sigma:.2f})")

# The built-in sampler computes mean + stddev·noise in the same way:
with tf.GradientTape() as tape:
    z_builtin = tf.random.Generator.from_seed(1).normal(
        [1000], mean=mu, stddev=sigma
    )
    loss_builtin = tf.reduce_mean(z_builtin**2)
d_mu_builtin, d_sigma_builtin = tape.gradient(loss_builtin, [mu, sigma])
print(
    f"Generator.normal: d/dmu = {d_mu_builtin:.2f}, "
    f"d/dsigma = {d_sigma_builtin:.2f}"
)
# --8<-- [end:tf_reparam]

# --8<-- [start:torch_reparam]
from torch.distributions import Normal

mu_pt = torch.tensor(0.5, requires_grad=True)
sigma_pt = torch.tensor(2.0, requires_grad=True)
gen = torch.Generator().manual_seed(0)
eps_pt = torch.randn(1000, generator=gen)
z_pt = mu_pt + sigma_pt * eps_pt  # what Normal(mu, sigma).rsample() does
(z_pt**2).mean().backward()
# E[z²] = mu² + sigma²: exact gradients 2·mu = 1 and 2·sigma = 4.
# The estimates average one gradient per sample, 2z and 2z·eps; their
# standard error is the standard deviation of those over √1000.
z_values = z_pt.detach()
se_mu_pt = (2 * z_values).std() / 1000**0.5
se_sigma_pt = (2 * z_values * eps_pt).std() / 1000**0.5
print(f"d/dmu = {mu_pt.grad:.2f} (standard error {se_mu_pt:.2f}), "
      f"d/dsigma = {sigma_pt.grad:.2f} (standard error {se_sigma_pt:.2f})")
print("rsample", Normal(mu_pt, sigma_pt).rsample().requires_grad)
print("sample", Normal(mu_pt, sigma_pt).sample().requires_grad)
# --8<-- [end:torch_reparam]

# --8<-- [start:tf_discrete]
values = tf.constant([1.0, 2.0, 4.0])  # f(k) for the outcomes k = 0, 1, 2
theta = tf.Variable([0.5, 0.0, -0.5])  # the logits to learn
probs = tf.nn.softmax(theta)
# E[f(k)] = Σ p_k·f(k), so its exact gradient is dE/dθ_j = p_j·(f(j) − E[f]).
exact = probs * (values - tf.reduce_sum(probs * values))
print("exact gradient        ", exact.numpy().round(2))

# Score function (REINFORCE): E[f(k)·∇log p(k)], estimated from samples.
n = 10_000
draws = tf.random.stateless_categorical(theta[tf.newaxis], n, seed=[0, 2])[0]
with tf.GradientTape() as tape:
    log_p = tf.gather(tf.nn.log_softmax(theta), draws)
    # f(k) is a constant: only log p(k) carries the gradient.
    surrogate = tf.reduce_mean(tf.gather(values, draws) * log_p)
score_grad = tape.gradient(surrogate, theta)
print("score function        ", score_grad.numpy().round(2))
# One term per draw, f(k)·∇log p(k), with ∇log p(k) = onehot(k) − p for a
# softmax; the standard error is their standard deviation over √n.
grad_log_p = tf.one_hot(draws, 3) - probs  # one row per draw
per_draw = tf.gather(values, draws)[:, tf.newaxis] * grad_log_p
score_se = tf.math.reduce_std(per_draw, axis=0) / n**0.5
print("  its standard error  ", score_se.numpy().round(3))


def gumbel_softmax_st(theta, uniform, temperature):
    """One-hot samples forward, the relaxed softmax's gradient backward."""
    gumbel = -tf.math.log(-tf.math.log(uniform))
    soft = tf.nn.softmax((theta + gumbel) / temperature)
    hard = tf.one_hot(tf.argmax(soft, axis=-1), soft.shape[-1])
    return soft + tf.stop_gradient(hard - soft)  # value: hard; gradient: soft's


uniform = tf.random.Generator.from_seed(0).uniform(
    [n, 3], minval=1e-7, maxval=1.0
)
st_grads = {}
for temperature in (1.0, 0.1):
    with tf.GradientTape() as tape:
        onehot = gumbel_softmax_st(theta, uniform, temperature)
        objective = tf.reduce_mean(onehot @ values[:, tf.newaxis])
    st_grads[temperature] = tape.gradient(objective, theta)
    print(
        f"Gumbel-softmax, τ = {temperature}",
        st_grads[temperature].numpy().round(2),
    )
frequencies = tf.reduce_mean(onehot, axis=0)
print(
    "one-hot frequencies   ", frequencies.numpy().round(2),
    "p =", probs.numpy().round(2),
)
# --8<-- [end:tf_discrete]

# --8<-- [start:torch_discrete]
import torch.nn.functional as F

values_pt = torch.tensor([1.0, 2.0, 4.0])  # f(k) for the outcomes k = 0, 1, 2
# The logits to learn:
theta_pt = torch.tensor([0.5, 0.0, -0.5], requires_grad=True)
probs_pt = torch.softmax(theta_pt, 0).detach()
# E[f(k)] = Σ p_k·f(k), so its exact gradient is dE/dθ_j = p_j·(f(j) − E[f]).
exact_pt = probs_pt * (values_pt - (probs_pt * values_pt).sum())
print("exact gradient        ", exact_pt.numpy().round(2))

# Score function (REINFORCE): E[f(k)·∇log p(k)], estimated from samples.
torch.manual_seed(0)
n = 10_000
dist = Categorical(logits=theta_pt)
draws_pt = dist.sample((n,))  # no gradient, as shown above
surrogate_pt = (values_pt[draws_pt] * dist.log_prob(draws_pt)).mean()
(score_grad_pt,) = torch.autograd.grad(surrogate_pt, theta_pt)
print("score function        ", score_grad_pt.numpy().round(2))
# One term per draw, f(k)·∇log p(k), with ∇log p(k) = onehot(k) − p for a
# softmax; the standard error is their standard deviation over √n.
onehots = F.one_hot(draws_pt, 3).float()
per_draw_pt = values_pt[draws_pt, None] * (onehots - probs_pt)
score_se_pt = per_draw_pt.std(dim=0) / n**0.5
print("  its standard error  ", score_se_pt.numpy().round(3))

# Gumbel-softmax, straight-through (hard=True): one-hot samples forward,
# the relaxed softmax's gradient backward.
st_grads_pt = {}
for temperature in (1.0, 0.1):
    onehot_pt = F.gumbel_softmax(
        theta_pt.expand(n, 3), tau=temperature, hard=True
    )
    (st_grads_pt[temperature],) = torch.autograd.grad(
        (onehot_pt @ values_pt).mean(), theta_pt
    )
    print(
        f"Gumbel-softmax, τ = {temperature}",
        st_grads_pt[temperature].numpy().round(2),
    )
frequencies_pt = onehot_pt.detach().mean(0)
print(
    "one-hot frequencies   ", frequencies_pt.numpy().round(2),
    "p =", probs_pt.numpy().round(2),
)
# --8<-- [end:torch_discrete]

# --8<-- [start:tf_exercise_1]
w0, b0, x_in, y_in = 1.0, 0.5, 2.0, 1.0
weight, bias = tf.Variable(w0), tf.Variable(b0)
with tf.GradientTape() as tape:
    loss = (weight * x_in + bias - y_in) ** 2
dl_dw, dl_db = tape.gradient(loss, [weight, bias])
print(f"tape:    dL/dw = {dl_dw:.2f}, dL/db = {dl_db:.2f}")
# By hand: with r = w·x + b − y, dL/dw = 2r·x and dL/db = 2r.
r = w0 * x_in + b0 - y_in
print(f"by hand: dL/dw = {2 * r * x_in:.2f}, dL/db = {2 * r:.2f}")
# --8<-- [end:tf_exercise_1]

# --8<-- [start:torch_exercise_1]
w0, b0, x_in, y_in = 1.0, 0.5, 2.0, 1.0
weight_pt = torch.tensor(w0, requires_grad=True)
bias_pt = torch.tensor(b0, requires_grad=True)
loss_pt = (weight_pt * x_in + bias_pt - y_in) ** 2
loss_pt.backward()
print(f"autograd: dL/dw = {weight_pt.grad:.2f}, dL/db = {bias_pt.grad:.2f}")
# By hand: with r = w·x + b − y, dL/dw = 2r·x and dL/db = 2r.
r = w0 * x_in + b0 - y_in
print(f"by hand:  dL/dw = {2 * r * x_in:.2f}, dL/db = {2 * r:.2f}")
# --8<-- [end:torch_exercise_1]

# --8<-- [start:tf_exercise_2]
inputs = tf.constant([1.0, 2.0, 3.0, 4.0])
labels = tf.constant([2.0, 4.0, 5.0, 8.0])
slope = tf.Variable(1.0)


def batch_gradient(xs, ys):
    """d/dslope of the summed squared error over one batch."""
    with tf.GradientTape() as tape:
        batch_loss = tf.reduce_sum((slope * xs - ys) ** 2)
    return tape.gradient(batch_loss, slope)


total = tf.zeros(())  # the tape returns gradients: add them up yourself
for start in (0, 2):
    batch = slice(start, start + 2)
    total += batch_gradient(inputs[batch], labels[batch])
    print(f"after the batch at {start}: {total:.1f}")
print(f"full batch: {batch_gradient(inputs, labels):.1f}")
# --8<-- [end:tf_exercise_2]

# --8<-- [start:torch_exercise_2]
inputs_pt = torch.tensor([1.0, 2.0, 3.0, 4.0])
labels_pt = torch.tensor([2.0, 4.0, 5.0, 8.0])
slope_pt = torch.tensor(1.0, requires_grad=True)
for start in (0, 2):
    batch = slice(start, start + 2)
    batch_loss = ((slope_pt * inputs_pt[batch] - labels_pt[batch]) ** 2).sum()
    batch_loss.backward()  # adds to slope_pt.grad
    print(f"after the batch at {start}: {slope_pt.grad:.1f}")
slope_pt.grad = None  # reset, then one pass over all four samples
((slope_pt * inputs_pt - labels_pt) ** 2).sum().backward()
print(f"full batch: {slope_pt.grad:.1f}")
# --8<-- [end:torch_exercise_2]


# --8<-- [start:tf_exercise_3]
def quartic_tf(x):
    return x**4 / 4 - x  # f'(x) = x³ − 1, f''(x) = 3x²


point = tf.Variable(2.0)
for step in range(1, 5):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            f_point = quartic_tf(point)
        first = inner.gradient(f_point, point)
    second = outer.gradient(first, point)
    point.assign_sub(first / second)  # Newton: x ← x − f'(x) / f''(x)
    print(f"step {step}: x = {point.numpy():.4f}")
# --8<-- [end:tf_exercise_3]


# --8<-- [start:torch_exercise_3]
def quartic_torch(x):
    return x**4 / 4 - x  # f'(x) = x³ − 1, f''(x) = 3x²


point_pt = torch.tensor(2.0, requires_grad=True)
for step in range(1, 5):
    (first_pt,) = torch.autograd.grad(
        quartic_torch(point_pt), point_pt, create_graph=True
    )
    (second_pt,) = torch.autograd.grad(first_pt, point_pt)
    with torch.no_grad():
        point_pt -= first_pt / second_pt  # Newton: x ← x − f'(x) / f''(x)
    print(f"step {step}: x = {point_pt.item():.4f}")
# --8<-- [end:torch_exercise_3]
