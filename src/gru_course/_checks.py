"""Input validation shared by every public function.

Each check raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right
kind, wrong shape or value) with a message that names the argument, what was
expected and what was given, so that a learner never meets a broadcasting error
from deep inside numpy.
"""

from collections.abc import Mapping

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_array(name, value, dims=None):
    """Return ``value`` as a finite float32/float64 array with ``len(dims)`` axes.

    ``dims`` names the axes for the error message, e.g. ``("B", "D")``;
    ``None`` accepts any number of axes.
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except Exception as error:  # any failure means "not an array"
            raise TypeError(f"{name} must be a numpy array; got {type(value).__name__}") from error
    if array.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name} must be a float32 or float64 array; got dtype {array.dtype}"
            + (" (convert with .astype(np.float64))" if array.dtype.kind in "biu" else "")
        )
    if dims is not None and array.ndim != len(dims):
        raise ValueError(
            f"{name} must have {len(dims)} dimensions ({', '.join(dims)}); got {array.ndim} (shape {array.shape})"
        )
    if not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"{name} contains NaN or inf (first at index {where})")
    return array


def expect_shape(name, array, expected, dims):
    """Raise ``ValueError`` unless ``array.shape == expected``; ``dims`` names the axes."""
    if array.shape != tuple(expected):
        raise ValueError(f"{name} must have shape ({', '.join(dims)}) = {tuple(expected)}; got {array.shape}")


def same_dtype(name, array, reference_name, reference):
    """Raise ``TypeError`` unless two arrays share a float dtype (no silent upcasting)."""
    if array.dtype != reference.dtype:
        raise TypeError(
            f"{name} has dtype {array.dtype} but {reference_name} has dtype {reference.dtype}; "
            "use one float dtype for inputs and parameters"
        )


def named_arrays(name, params, shapes, dtype=None):
    """Check a dict of parameters against ``shapes``: {key: (shape, dims)}.

    Returns a plain dict of the validated arrays. Extra keys are an error too,
    so that a typo in a key name is not silently ignored.
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"{name} must be a dict of named arrays; got {type(params).__name__}")
    missing = [key for key in shapes if key not in params]
    if missing:
        key = missing[0]
        shape, dims = shapes[key]
        raise ValueError(
            f"{name} is missing {key!r} (expected shape ({', '.join(dims)}) = {shape}); it has {sorted(params)}"
        )
    extra = sorted(set(params) - set(shapes))
    if extra:
        raise ValueError(f"{name} has unexpected keys {extra}; expected exactly {list(shapes)}")
    checked = {}
    for key, (shape, dims) in shapes.items():
        label = f"{name}[{key!r}]"
        array = float_array(label, params[key], dims)
        expect_shape(label, array, shape, dims)
        if dtype is not None and array.dtype != dtype:
            raise TypeError(
                f"{label} has dtype {array.dtype} but the other arrays have {dtype}; "
                "use one float dtype for inputs and parameters"
            )
        dtype = array.dtype
        checked[key] = array
    return checked


def size_from(name, params, key, axis):
    """Read a size (hidden or input) from one parameter, with a clear error."""
    if not isinstance(params, Mapping):
        raise TypeError(f"{name} must be a dict of named arrays; got {type(params).__name__}")
    if key not in params:
        raise ValueError(f"{name} is missing {key!r}; it has {sorted(params)}")
    shape = np.shape(params[key])
    if len(shape) != 2:
        raise ValueError(f"{name}[{key!r}] must be a matrix (2 dimensions); got shape {shape}")
    return shape[axis]


def positive_int(name, value):
    """Raise unless ``value`` is an int >= 1; return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int; got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int; got {value}")
    return int(value)


def generator(name, rng):
    """Raise unless ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)); got {type(rng).__name__}"
        )
    return rng


def float_dtype(name, dtype):
    """Return ``np.dtype(dtype)`` if it is float32 or float64."""
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"{name} must be float32 or float64; got {dtype!r}") from error
    if resolved not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be float32 or float64; got {resolved}")
    return resolved


def choice(name, value, options):
    """Raise ``ValueError`` unless ``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        listed = " or ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be {listed}; got {value!r}")
    return value


def model_params(params, shapes_for):
    """Check a model's parameters against ``shapes_for(D, H)``, reading D and H
    from its first two keys (an input weight (H, D), then a recurrent weight (H, H))."""
    input_key, hidden_key = list(shapes_for(1, 1))[:2]
    hidden = size_from("params", params, hidden_key, 0)
    inputs = size_from("params", params, input_key, 1)
    return named_arrays("params", params, shapes_for(inputs, hidden))


def model_inputs(params, shapes_for, x_name, x, h_name, h):
    """Validate the inputs of a recurrent model's forward function.

    params:     the model's parameter dict.
    shapes_for: function (D, H) -> {key: (shape, dims)}; its first key must be
                an input weight (H, D) and its second a recurrent weight (H, H).
    x:          (B, D) for one step or (T, B, D) for a sequence.
    h:          (B, H), the previous or initial state.

    Returns ``(x, h, params)`` as validated arrays of one float dtype.
    """
    input_key, hidden_key = list(shapes_for(1, 1))[:2]
    params = model_params(params, shapes_for)
    hidden, inputs = params[input_key].shape
    dtype_ref = f"params[{hidden_key!r}]"
    dims = ("T", "B", "D") if x_name.endswith("s") else ("B", "D")
    x = float_array(x_name, x, dims)
    if 0 in x.shape:
        raise ValueError(f"{x_name} must not be empty; got shape {x.shape} for ({', '.join(dims)})")
    if x.shape[-1] != inputs:
        raise ValueError(
            f"{x_name} must have shape ({', '.join(dims)}) with D = {inputs} "
            f"(params[{input_key!r}] is (H, D) = {params[input_key].shape}); got {x.shape}"
        )
    same_dtype(x_name, x, dtype_ref, params[hidden_key])
    h = float_array(h_name, h, ("B", "H"))
    if h.shape != (x.shape[-2], hidden):
        raise ValueError(
            f"{h_name} must have shape (B, H) = {(x.shape[-2], hidden)} "
            f"(B from {x_name}, H from {dtype_ref}); got {h.shape}"
        )
    same_dtype(h_name, h, dtype_ref, params[hidden_key])
    return x, h, params


def upstream_gradient(name, value, expected, dims, reference):
    """Validate the gradient handed to a backward function: shape and dtype
    must match the forward output ``reference`` it is the gradient of."""
    array = float_array(name, value, dims)
    expect_shape(name, array, expected, dims)
    same_dtype(name, array, "the forward output", reference)
    return array


def cache_from(name, cache, kind, keys):
    """Raise ``TypeError`` unless ``cache`` is the cache a ``kind`` forward returned."""
    if not isinstance(cache, Mapping) or cache.get("kind") != kind or not all(k in cache for k in keys):
        raise TypeError(f"{name} must be the cache returned by {kind}; got {type(cache).__name__}")
    return cache
