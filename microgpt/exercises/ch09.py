"""Checkers for chapter 09 (efficiency): attention the KV-cache way, and the linear layer's backward pass."""
import numpy as np

from . import failed, passed


def _causal_attention(q, k, v, causal=True, scaled=True):
    "The masked (all positions at once) attention of one head, the answer the loop must reproduce."
    scores = q @ k.T / (q.shape[1] ** 0.5 if scaled else 1)
    if causal:
        scores = np.where(np.tril(np.ones((len(q), len(q)), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (weights / weights.sum(axis=1, keepdims=True)) @ v


def _call(fn, *args):
    "Run the learner's function; an exception becomes a verdict instead of a traceback."
    if not callable(fn):
        return None, failed(f"expected a function, got a {type(fn).__name__}",
                            "pass the function itself, without calling it: check(my_function)")
    try:
        return fn(*args), None
    except Exception as e:  # any error in the learner's code is reported, not raised
        return None, failed(f"your function raised {type(e).__name__}: {e}",
                            "run it on small arrays yourself and print the shapes step by step")


def _as_array(result, shape, what):
    "The result as a float array of the expected shape, or the verdict explaining why not."
    if result is None:
        return None, failed(f"{what} is None", "finish the function with a return statement")
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return None, failed(f"{what} is not an array of numbers", "return a NumPy array")
    if result.shape != shape:
        return None, failed(f"{what} has shape {result.shape}, expected {shape}",
                            "a gradient always has the shape of the thing it is the gradient of")
    return result, None


def check_attention_loop(attention_loop):
    "Exercise 1: attention_loop(q, k, v) for one head, one position at a time, must equal the masked version."
    rng = np.random.default_rng(9)
    q, k, v = rng.normal(size=(3, 6, 4))
    result, problem = _call(attention_loop, q.copy(), k.copy(), v.copy())
    if problem is not None:
        return problem
    out, problem = _as_array(result, q.shape, 'the output')
    if problem is not None:
        return problem
    if np.allclose(out, _causal_attention(q, k, v)):
        return passed("the loop over positions gives exactly what the causal mask gives.")
    if np.allclose(out, _causal_attention(q, k, v, causal=False)):
        return failed("position t attends to later positions too",
                      "at position t use only the keys and values of positions 0..t: k[:t + 1], v[:t + 1]")
    if np.allclose(out, _causal_attention(q, k, v, scaled=False)):
        return failed("the scores are not scaled", "divide each score q[t] @ k[s] by sqrt(head_dim), q.shape[1] ** 0.5")
    if not out.any():
        return failed("the output is all zeros", "fill out[t] for every position t inside a loop")
    if np.allclose(out[0], v[0]):
        return failed("position 0 is right but later positions are not",
                      "for each t: scores = k[:t + 1] @ q[t] / sqrt(head_dim), weights = softmax(scores), "
                      "out[t] = weights @ v[:t + 1]")
    return failed("the output differs from causal attention, already at position 0",
                  "position 0 can only see itself, so out[0] must equal v[0]; "
                  "check that the softmax weights sum to 1")


def check_linear_backward(linear_backward):
    "Exercise 2: linear_backward(x, w, dy) must return (dx, dw) for y = x @ w.T."
    rng = np.random.default_rng(4)
    x, w, dy = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=(5, 4))  # no square shapes
    result, problem = _call(linear_backward, x.copy(), w.copy(), dy.copy())
    if problem is not None:
        return problem
    if not isinstance(result, tuple) or len(result) != 2:
        return failed("expected a pair (dx, dw)", "end the function with: return dx, dw")
    dx, problem = _as_array(result[0], x.shape, 'dx')
    if problem is not None:
        return problem
    dw, problem = _as_array(result[1], w.shape, 'dw')
    if problem is not None:
        return problem
    dx_ok, dw_ok = np.allclose(dx, dy @ w), np.allclose(dw, dy.T @ x)
    if dx_ok and dw_ok:
        return passed("dx = dy @ w and dw = dy.T @ x: one matrix product each, summed over every position.")
    if not dx_ok:
        return failed("dx is not right",
                      "y[t, i] = sum over j of x[t, j] * w[i, j], so x[t, j] collects dy[t, i] * w[i, j] "
                      "from every output i: dx = dy @ w")
    if np.allclose(dw, (dy.T @ x) / len(x)):
        return failed("dw is divided by the number of positions",
                      "a weight used at every position collects the sum of their gradients, not the mean")
    return failed("dw is not right",
                  "w[i, j] multiplies x[t, j] on the way to y[t, i] at every position t: "
                  "dw[i, j] = sum over t of dy[t, i] * x[t, j], which is dy.T @ x")
