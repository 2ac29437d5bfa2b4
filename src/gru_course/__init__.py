"""gru_course: the numpy code behind the book *Backpropagation through recurrent networks*.

Modules, in the order the book meets them:

- :mod:`gru_course.activations`: sigmoid, tanh, softmax and their derivatives.
- :mod:`gru_course.losses`: softmax cross-entropy and the L2 loss, with gradients.
- :mod:`gru_course.output`: the affine output layer o = W_ao a + b_o.
- :mod:`gru_course.rnn`: the vanilla tanh RNN, one step and BPTT.
- :mod:`gru_course.gru`: the GRU, step by step and fast, both reset variants.
- :mod:`gru_course.gradcheck`: centered finite differences and relative errors.
- :mod:`gru_course.tape`: a small reverse-mode automatic differentiation.
- :mod:`gru_course.diagrams`: the book's drawings of the networks.
"""

from . import activations, gradcheck, gru, losses, output, rnn, tape

__all__ = ["activations", "gradcheck", "gru", "losses", "output", "rnn", "tape"]
__version__ = "0.1.0"
