"""Training the small transformer: settings, the Adam optimiser, the loop and its record.

Everything is seeded, so the same settings and code give the same weights on every run.
The loop uses the model's hand-written gradients (:mod:`.model`), no autograd library.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .data import repeated_sequences, training_batch
from .measure import head_scores
from .model import TinyTransformer


@dataclass(frozen=True)
class Settings:
    """The model's shape and how it is trained (all of it goes into the cache key)."""

    vocab_size: int = 32  # abstract tokens 0 .. 31
    context: int = 64  # positions the model has embeddings for
    d_model: int = 32
    n_layers: int = 2
    n_heads: int = 4
    steps: int = 3000
    batch_size: int = 16
    window: int = 32  # training sequences are this long, at a random place in the context
    learning_rate: float = 0.01
    seed: int = 1  # seed 0 grows two previous-token heads; 1 grows one, easier to study
    record_every: int = 25  # steps between two measurements of the heads

    def as_dict(self):
        return asdict(self)


@dataclass
class History:
    """What happened during training.

    loss:       (steps,) the training loss of every step (nats per token)
    measured:   (records,) the steps at which the heads were measured
    previous:   (records, n_layers, n_heads) previous-token score of every head then
    induction:  (records, n_layers, n_heads) induction score of every head then
    """

    loss: np.ndarray
    measured: np.ndarray
    previous: np.ndarray
    induction: np.ndarray
    seconds: float = field(default=0.0)


class Adam:
    """Adam (Kingma & Ba, 2015): each parameter's step is its gradient's running mean
    divided by the square root of its running mean square, so every number moves at
    roughly the learning rate whatever the size of its gradient."""

    def __init__(self, params, learning_rate, beta1=0.9, beta2=0.99, eps=1e-8):
        self.rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.mean = {name: np.zeros_like(value) for name, value in params.items()}
        self.square = {name: np.zeros_like(value) for name, value in params.items()}
        self.steps = 0

    def step(self, params, grads):
        """Update ``params`` in place from ``grads`` (dicts with the same keys)."""
        self.steps += 1
        b1, b2 = self.beta1, self.beta2
        for name, grad in grads.items():
            self.mean[name] = b1 * self.mean[name] + (1 - b1) * grad
            self.square[name] = b2 * self.square[name] + (1 - b2) * grad**2
            mean = self.mean[name] / (1 - b1**self.steps)  # early steps: undo the zero start
            square = self.square[name] / (1 - b2**self.steps)
            params[name] -= self.rate * mean / (np.sqrt(square) + self.eps)


def probe_sequences(settings, count=32):
    """The fixed sequences the heads are measured on during training: random tokens
    written twice, as long as a training window (none of them was trained on)."""
    rng = np.random.default_rng(settings.seed + 1)
    return repeated_sequences(rng, count, settings.window // 2, settings.vocab_size)


def train(settings=None, progress=None):
    """Train a :class:`TinyTransformer` from scratch: (model, history).

    progress(step, loss): called at every measurement (the build prints it).
    """
    s = settings or Settings()
    model = TinyTransformer.initial(
        s.vocab_size, s.context, s.d_model, s.n_layers, s.n_heads, s.seed
    )
    rng = np.random.default_rng(s.seed)
    probe = probe_sequences(s)
    optimiser = Adam(model.params, s.learning_rate)
    losses, measured, previous, induction = [], [], [], []
    for step in range(s.steps + 1):
        if step % s.record_every == 0 or step == s.steps:
            prev, ind = head_scores(model, probe)
            measured.append(step)
            previous.append(prev)
            induction.append(ind)
            if progress is not None and losses:
                progress(step, losses[-1])
        if step == s.steps:
            break
        ids = training_batch(rng, s.batch_size, s.window + 1, s.vocab_size)
        start = int(rng.integers(0, s.context - s.window + 1))  # every position gets trained
        loss, grads = model.loss_and_gradients(ids, start=start)
        optimiser.step(model.params, grads)
        losses.append(loss)
    history = History(np.array(losses), np.array(measured), np.array(previous), np.array(induction))
    return model, history
