"""Checkers for chapter 10 (efficiency): attention the KV-cache way, and gradients measured by nudging."""
import numpy as np

from . import failed, guarded, passed


def _causal_attention(q, k, v, causal=True, scaled=True):
    "The masked (all positions at once) attention of one head, the answer the loop must reproduce."
    scores = q @ k.T / (q.shape[1] ** 0.5 if scaled else 1)
    if causal:
        scores = np.where(np.tril(np.ones((len(q), len(q)), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (weights / weights.sum(axis=1, keepdims=True)) @ v


def _call(fn, *args):
    """Run the learner's function; an exception becomes a verdict instead of a traceback.

    Returns (result, None) or (None, verdict). Test the verdict with `is not None`: a failed one is falsy.
    """
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


@guarded
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


@guarded
def check_numerical_gradient(numerical_gradient):
    "Exercise 2: numerical_gradient(f, x) must measure df/dx for every entry of x, leaving x as it was."
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))

    def f(a):
        return float(np.sum(np.sin(a) * a ** 2))

    expected = np.cos(x) * x ** 2 + 2 * x * np.sin(x)
    given = x.copy()
    result, problem = _call(numerical_gradient, f, given)
    if problem is not None:
        return problem
    grad, problem = _as_array(result, x.shape, 'the gradient')
    if problem is not None:
        return problem
    if not np.array_equal(given, x):
        return failed("x is changed after your function returns",
                      "put every entry back after measuring it: old = x[i]; ...; x[i] = old")
    if np.allclose(grad, expected, atol=1e-5):
        return passed("measured gradients agree with the derivative to 1e-5.")
    if not grad.any():
        return failed("the gradient is all zeros",
                      "for each index i in np.ndindex(x.shape): set x[i] to old + h and old - h, "
                      "call f each time, and store (f_up - f_down) / (2 * h) in grad[i]")
    if np.allclose(grad, 2 * expected, atol=1e-5):
        return failed("the gradient is twice too large",
                      "x + h and x - h are 2h apart: divide the difference by 2 * h")
    if np.allclose(grad, grad.flat[0]):
        return failed("every entry of the gradient is the same",
                      "nudge one entry at a time, not the whole array: x[i] += h for one index i")
    return failed("the gradient differs from the derivative",
                  "grad[i] = (f(x with x[i] + h) - f(x with x[i] - h)) / (2 * h), one entry i at a time")
