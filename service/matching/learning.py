"""Learn the match model from the live register and write its file, with progress bars.

`person-index train-model` and the quality benchmarks both call this, so a benchmark's learned
model is learned exactly as an operator's is.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch
from tqdm import tqdm

from service.matching import training
from service.matching.model import MatchModel, hand_set_model, save_model
from service.search.register import count_live, live_documents


class RegisterTooSmall(ValueError):
    """The register holds too few live persons to learn from."""


def _bars(items: Iterable[Any], label: str, count: int) -> Iterable[Any]:
    return tqdm(items, desc=label, total=count)


def learn_from_register(
    client: OpenSearch,
    alias: str,
    out: Path,
    start: MatchModel | None = None,
    random_pairs: int = 100_000,
    max_pairs: int = 100_000,
    seed: int = 1,
) -> tuple[MatchModel, int]:
    """Read every live person, learn a model from `start` (default: hand-set), write it to
    `out`; the model and how many persons it was learned from."""
    total = count_live(client, alias)
    documents = list(tqdm(live_documents(client, alias), total=total, desc="read register"))
    if len(documents) < 2:
        raise RegisterTooSmall(f"the register holds {len(documents)} live persons: too few")
    learned = training.train(
        documents,
        start or hand_set_model(),
        random_pair_count=random_pairs,
        max_blocked_pairs=max_pairs,
        seed=seed,
        progress=_bars,
    )
    save_model(learned, out)
    return learned, len(documents)
