"""Posting fuzzed values to one web form (``fuzz_form``): what a browser would send with one or
more fields replaced by hostile values (``tests/fuzz/values.py``), sometimes to the same action
about other objects; every answer must be below 500, and a refusal must write nothing."""

from __future__ import annotations

import os
import traceback
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.counting import CASES, STATUSES
from tests.fuzz.forms import Form, fill
from tests.fuzz.state import changed, watching
from tests.fuzz.values import field_value

# Examples per form; derandomized, so a failure reproduces.
EXAMPLES = int(os.environ.get("NAMHOC_FUZZ_FORM_EXAMPLES", "20"))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if hasattr(value, "read"):
        return f"<file {value.name!r}, {value.size} bytes, {value.content_type!r}>"
    text = str(value)
    if len(text) > 60:
        return f"{text[:20]!r}… ({len(text):,} characters)"
    return repr(text)


def _described(url: str, payload: dict[str, Any]) -> str:
    fields = ", ".join(f"{name}={_shown(value)}" for name, value in payload.items())
    return f"POST {url} {{{fields}}}"


def _other_actions(form: Form, pools: dict[str, list[Any]]) -> list[str]:
    """The same action about other objects (other units' among them): each of its parameters
    in turn swapped for the world's other values."""
    match = resolve(form.action.split("?")[0])
    urls = []
    for name, value in match.kwargs.items():
        for other in pools.get(name, [])[-3:]:
            if str(other) != str(value):
                urls.append(fill(form.route, {**match.kwargs, name: other}))
    return urls


def _base(form: Form) -> dict[str, Any]:
    """What a browser sends for the form untouched."""
    return {
        f.name: f.value
        for f in form.fields
        if f.kind != "file" and not (f.kind in ("checkbox", "radio", "button") and not f.value)
    }


def _post(
    client: Client, cookies: dict[str, str], form: Form, url: str, payload: dict[str, Any]
) -> int:
    """Post as a browser holding ``cookies`` (a fresh jar each time: a form that signs out or
    rotates the session does not change who the next post comes from)."""
    client.cookies = SimpleCookie(cookies)
    if form.multipart:
        response = client.post(url, payload)
    else:
        response = client.post(
            url, urlencode(payload, doseq=True), content_type="application/x-www-form-urlencoded"
        )
    return int(response.status_code)


def fuzz_form(
    form: Form,
    client: Client,
    cookies: dict[str, str],
    pools: dict[str, list[Any]],
    baseline: dict[str, list[Any]],
) -> str | None:
    """Post hypothesis' values to ``form``; the failure found (after shrinking), if any."""
    real = sorted({str(v) for values in pools.values() for v in values})
    strategies = {
        f.name: field_value(f.kind, (f.value, *f.options), real, multipart=form.multipart)
        for f in form.fields
    }
    names = sorted(strategies)
    actions = [form.action] * 3 + _other_actions(form, pools)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def attempt(data: st.DataObject) -> None:
        payload = _base(form)
        if names:
            chosen = data.draw(
                st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
            )
            for name in chosen:
                value = data.draw(st.one_of(st.none(), strategies[name]))
                if value is None:
                    payload.pop(name, None)
                else:
                    payload[name] = value
        url = data.draw(st.sampled_from(actions))
        CASES["web forms"] += 1
        with transaction.atomic():
            try:
                with watching() as writes:
                    status = _post(client, cookies if form.signed_in else {}, form, url, payload)
            except Exception:
                raise AssertionError(
                    f"{_described(url, payload)} raised:\n{traceback.format_exc()}"
                ) from None
            written = changed(writes, baseline) if status >= 400 else []
            transaction.set_rollback(True)
        STATUSES[f"{form.route} {status}"] += 1
        assert status < 500, f"{_described(url, payload)} answered {status}"
        assert not written, f"{_described(url, payload)} answered {status} but wrote: {written}"

    try:
        attempt()
    except AssertionError as failure:
        return f"[form on {form.page} → {form.route}]\n{failure}"
    return None
