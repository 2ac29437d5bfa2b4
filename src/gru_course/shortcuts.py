"""Keeping the package's own answer out of a learner's function while it is checked.

An exercise that asks a learner to write BPTT is not done by calling
``gru.backward``. While a checker runs the learner's code, :class:`Forbidding`
replaces each function the exercise forbids by a stand-in that raises
:class:`ShortcutUsed`, wherever the function is bound: in every module of
``gru_course``, on its class (for a method such as ``Tape.backward``), and
in the learner's own namespace (``from gru_course.gru import backward``) and
closure.
Everything else in the package stays available, so the building blocks an
exercise allows (the step functions inside a step-by-step BPTT, say) work as
usual. The originals come back as soon as the learner's code returns.

A learner's ``try``/``except`` cannot hide a shortcut: every attempt is
recorded in :attr:`Forbidding.attempts`, and the checker fails the answer.
"""

import sys
from types import ModuleType


class ShortcutUsed(Exception):
    """Raised when a learner's function calls a function its exercise forbids."""


def display_name(function):
    """How a learner writes the function: ``gru.backward``, ``Tape.backward``."""
    owner = function.__qualname__.rpartition(".")[0]
    if owner:
        return function.__qualname__
    return f"{function.__module__.rpartition('.')[2]}.{function.__name__}"


class Forbidding:
    """A context manager that forbids ``functions`` while it is active.

    functions: the callables to forbid (module-level functions or methods).
    task:      what the exercise asks, for the message: "write the BPTT loop".
    learner:   the learner's function: its globals and closure are searched too.
    """

    def __init__(self, functions, task, learner=None):
        self.functions = tuple(functions)
        self.task = task
        self.namespaces = [getattr(learner, "__globals__", None) or {}]
        self.cells = list(getattr(learner, "__closure__", None) or ())
        self.attempts = []
        self._saved = []

    def message(self, function):
        return f"this exercise asks you to {self.task} yourself; `{display_name(function)}` is not available here"

    def _stand_in(self, function):
        def forbidden(*args, **kwargs):
            self.attempts.append(function)
            raise ShortcutUsed(self.message(function))

        forbidden.__name__ = function.__name__
        forbidden.__qualname__ = function.__qualname__
        return forbidden

    def _bindings(self):
        """Every (holder, name, function) where a forbidden function is bound."""
        by_identity = {id(f): f for f in self.functions}
        holders = [m.__dict__ for name, m in list(sys.modules.items()) if name.split(".")[0] == "gru_course"]
        for namespace in [*holders, *self.namespaces]:
            for name, value in list(namespace.items()):
                if id(value) in by_identity and value is by_identity[id(value)]:
                    yield namespace, name, value
        for cell in self.cells:
            value = _contents(cell)
            if id(value) in by_identity and value is by_identity[id(value)]:
                yield cell, "cell_contents", value
        for function in self.functions:
            owner = _owner_class(function)
            if owner is not None:
                yield owner, function.__name__, function

    def __enter__(self):
        seen = set()
        for holder, name, function in list(self._bindings()):
            if (id(holder), name) in seen:
                continue
            seen.add((id(holder), name))
            self._saved.append((holder, name, function))
            _bind(holder, name, self._stand_in(function))
        return self

    def __exit__(self, *exc):
        for holder, name, function in reversed(self._saved):
            _bind(holder, name, function)
        self._saved.clear()
        return False


def _bind(holder, name, value):
    if isinstance(holder, dict):
        holder[name] = value
    else:  # a class, or a closure cell (name "cell_contents")
        setattr(holder, name, value)


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def _owner_class(function):
    """The class a method is defined on, or None for a module-level function."""
    owner, _, _ = function.__qualname__.rpartition(".")
    if not owner:
        return None
    module = sys.modules.get(function.__module__)
    holder = module
    for part in owner.split("."):
        holder = getattr(holder, part, None)
    return None if isinstance(holder, ModuleType) or holder is None else holder
