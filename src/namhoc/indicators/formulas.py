"""Formulas over data elements: sums and differences of element totals, counts and constants.

Grammar (no ``eval``)::

    expression := term (("+" | "-") term)*
    term       := CODE | "COUNT(" CODE ")" | NUMBER

``CODE`` is an element's total (its values added up over the units rolled into the figure);
``COUNT(CODE)`` is how many units reported it (a school count, when every school reports the
element). Every term is additive over units, so an indicator computed from rolled-up terms at a
commune equals the same indicator over the raw values of its schools — never an average of rates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Expression", "FormulaError", "Term", "parse"]

_TOKEN = re.compile(
    r"\s*(?:(?P<op>[+-])|COUNT\(\s*(?P<count>[A-Z][A-Z0-9_]*)\s*\)|(?P<code>[A-Z][A-Z0-9_]*)"
    r"|(?P<number>\d+(?:\.\d+)?))\s*"
)


class FormulaError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    sign: int  # +1 or -1
    code: str = ""  # element code; blank for a constant
    count: bool = False  # COUNT(code) rather than the total
    constant: Decimal = Decimal(0)


@dataclass(frozen=True)
class Expression:
    text: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> set[str]:
        return {term.code for term in self.terms if term.code}

    def evaluate(
        self,
        totals: Mapping[str, Decimal],
        counts: Mapping[str, int] | None = None,
    ) -> Decimal | None:
        """The value, or None when an element term has no figure at all."""
        result = Decimal(0)
        for term in self.terms:
            if not term.code:
                result += term.sign * term.constant
                continue
            if term.count:
                number = (counts or {}).get(term.code)
                if number is None:
                    return None
                result += term.sign * Decimal(number)
            else:
                value = totals.get(term.code)
                if value is None:
                    return None
                result += term.sign * value
        return result


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Expression:
    """Parse ``text``; raise FormulaError (English, for catalogue authors) when it is malformed.

    Remembered per text (an :class:`Expression` is immutable): a province's scorecard asks for
    the same few dozen formulas once per cell, thousands of times."""
    source = text.strip()
    if not source:
        raise FormulaError("empty formula")
    terms: list[Term] = []
    position = 0
    sign = 1
    expect_term = True
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise FormulaError(f"cannot read {source[position:]!r} in {source!r}")
        position = match.end()
        if match["op"]:
            if expect_term:
                if terms:
                    raise FormulaError(f"two operators in a row in {source!r}")
                sign = -1 if match["op"] == "-" else 1
                continue
            sign = -1 if match["op"] == "-" else 1
            expect_term = True
            continue
        if not expect_term:
            raise FormulaError(f"missing operator in {source!r}")
        if match["count"]:
            terms.append(Term(sign=sign, code=match["count"], count=True))
        elif match["code"]:
            terms.append(Term(sign=sign, code=match["code"]))
        else:
            terms.append(Term(sign=sign, constant=Decimal(match["number"])))
        sign = 1
        expect_term = False
    if expect_term:
        raise FormulaError(f"formula ends with an operator: {source!r}")
    return Expression(text=source, terms=tuple(terms))
