import math
from numbers import Real


def _check(other, op):
    "Let numbers and Values through; anything else is an error that names the operation."
    if isinstance(other, (Value, Real)):
        return other
    raise TypeError(f"cannot apply {op} to a Value and a {type(other).__name__} ({other!r}): "
                    "use a number (int or float) or a Value")


def _lift(other, op):
    "Wrap a plain number as a constant Value, so that every operand has .data."
    other = _check(other, op)
    return other if isinstance(other, Value) else Value(other)


class Value:
    "A scalar that remembers how it was computed, so that gradients can flow back through it."
    __slots__ = ('data', 'grad', '_children', '_local_grads', '_op')  # many small objects: save memory and time

    def __init__(self, data, children=(), local_grads=(), op=''):
        if not isinstance(data, Real):
            raise TypeError(f"a Value holds a real number, not a {type(data).__name__} ({data!r})")
        self.data = data                # the number computed by the forward pass
        self.grad = 0                   # d(output)/d(this), filled in by backward()
        self._children = children       # the Values this one was computed from, in order
        self._local_grads = local_grads # d(this)/d(child) for each child
        self._op = op                   # the operation's name, for drawing the graph

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):
        other = _lift(other, '+')
        return Value(self.data + other.data, (self, other), (1, 1), '+')

    def __mul__(self, other):
        other = _lift(other, '*')
        return Value(self.data * other.data, (self, other), (other.data, self.data), '*')

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("a Value exponent is not supported: only numbers, as in v ** 2. "
                            "For a learnable exponent write (v.log() * e).exp()")
        if not isinstance(exponent, Real):
            raise TypeError(f"the exponent must be a number, not a {type(exponent).__name__} ({exponent!r})")
        if self.data == 0 and exponent < 1:
            raise ZeroDivisionError(f"0 ** {exponent} has no finite derivative (division by zero?)")
        if self.data < 0 and exponent != int(exponent):
            raise ValueError(f"{self.data} ** {exponent} is not a real number: "
                             "a negative base needs a whole-number exponent")
        return Value(self.data ** exponent, (self,), (exponent * self.data ** (exponent - 1),), f'**{exponent:g}')

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log is only defined for positive numbers, got {self.data}")
        return Value(math.log(self.data), (self,), (1 / self.data,), 'log')

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,), 'exp')  # d/dx e^x = e^x: reuse it

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, (self,), (float(self.data > 0),), 'relu')

    # Everything else is built from the operations above.
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-_check(other, '-'))
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * _check(other, '/') ** -1
    def __rtruediv__(self, other): return other * self ** -1

    def backward(self):
        "Fill in `grad` of every Value this one depends on, by the chain rule from here back."
        # Topological order by an explicit stack: deep graphs would overflow Python's recursion limit.
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, children_done = stack.pop()
            if children_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in reversed(v._children))
        self.grad = 1
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad  # += : a Value used twice collects from both uses


def zero_grad(params):
    "Reset gradients before the next backward(), which would otherwise add to the old ones."
    for p in params:
        p.grad = 0
