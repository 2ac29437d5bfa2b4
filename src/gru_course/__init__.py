"""gru_course: the numpy code behind the book *Backpropagation through recurrent networks*.

Modules, in the order the book meets them:

- :mod:`gru_course.activations`: sigmoid, tanh, softmax and their derivatives.
- :mod:`gru_course.losses`: softmax cross-entropy and the L2 loss, with gradients.
- :mod:`gru_course.output`: the affine output layer o = W_oh h + b_o.
- :mod:`gru_course.rnn`: the vanilla tanh RNN, one step and BPTT.
- :mod:`gru_course.gru`: the GRU, step by step and fast, both reset variants.
- :mod:`gru_course.lstm`: the LSTM, step by step and fast, by the same method.
- :mod:`gru_course.gradcheck`: centered finite differences and relative errors.
- :mod:`gru_course.tape`: a small reverse-mode automatic differentiation.
- :mod:`gru_course.analysis`: one-step Jacobians and how gradients travel through time.
- :mod:`gru_course.optim`: SGD with momentum, Adam, gradient-norm clipping.
- :mod:`gru_course.data`: the adding problem and a copy task, seeded.
- :mod:`gru_course.train`: a training loop for RNN and GRU sequence models.
- :mod:`gru_course.diagrams` and :mod:`gru_course.explorers`: the book's figures
  and interactive explorers (import them explicitly; they need matplotlib and
  ipywidgets).
"""

from . import activations, analysis, data, gradcheck, gru, losses, lstm, optim, output, rnn, tape, train

__all__ = [
    "activations",
    "analysis",
    "data",
    "gradcheck",
    "gru",
    "losses",
    "lstm",
    "optim",
    "output",
    "rnn",
    "tape",
    "train",
]
__version__ = "0.2.0"
