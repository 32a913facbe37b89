"""The small transformer the course trains in its own build (lesson 20, the explorer).

    from lesson_code.learned import trained_model
    model = trained_model()                 # kept weights, or about a minute of training
    model.attention(ids)                    # (n_layers, n_heads, n, n) for ids of shape (n,)

- :mod:`.data`: the sequences it learns from (random tokens with repeated stretches)
- :mod:`.model`: a two-layer attention-only transformer, forward and backward by hand
- :mod:`.train`: settings, Adam and the training loop with its record
- :mod:`.measure`: previous-token and induction scores, copying with heads removed
- :mod:`.store`: ``trained_model()``, the weights kept on disk between builds
"""

from .data import repeated_sequences, training_batch
from .measure import best_head, copying_accuracy, copying_loss, head_scores, uniform_weight
from .model import TinyTransformer
from .store import TrainedModel, trained_model
from .train import Settings, train

__all__ = [
    "Settings",
    "TinyTransformer",
    "TrainedModel",
    "best_head",
    "copying_accuracy",
    "copying_loss",
    "head_scores",
    "repeated_sequences",
    "train",
    "trained_model",
    "training_batch",
    "uniform_weight",
]
