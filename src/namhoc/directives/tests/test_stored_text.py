"""No page loads a stored text it does not show; the review page shows it a page at a time
(issue 9, item 3: after a 169 M-character text was stored, lists took seconds and gigabytes and
the review page was 169 MB of HTML)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
from namhoc.directives.source_text import PAGE_CHARS
from namhoc.directives.tests.helpers import PROVINCE_DOC, upload

ClientOf = Callable[[Any], Client]
MARK = "Đoạn-văn-rất-dài"  # in the huge text only
HUGE = 3 * PAGE_CHARS + 1234  # characters: four pages


def huge_source(org: Any, people: Any) -> Directive:
    """A directive whose source holds a text of four pages, with a task on page 3."""
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    text = (MARK + " " * 10 + "\n") * (HUGE // (len(MARK) + 11) + 1)
    text = text[:HUGE]
    start = 2 * PAGE_CHARS + 100
    text = text[:start] + "NHIỆM-VỤ-TRANG-BA" + text[start + 17 :]
    SourceDocument.objects.filter(pk=directive.source_id).update(text=text)
    task = directive.tasks.order_by("position").first()
    assert task is not None
    DirectiveTask.objects.filter(pk=task.pk).update(start=start, end=start + 17)
    return directive


@pytest.mark.parametrize(
    "path",
    [
        "/van-ban/",
        "/api/directives",
        "/van-ban/tep/{source}/",
        "/van-ban/tep/{source}/trang-thai/",
        "/api/directives/sources/{source}",
        "/api/directives/{directive}",
    ],
)
def test_pages_and_lists_do_not_load_the_stored_text(
    org: Any, people: Any, client_of: ClientOf, path: str
) -> None:
    directive = huge_source(org, people)
    client = client_of(people.province_officer)
    url = path.format(source=directive.source_id, directive=directive.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The text is not in the answer, and no query selected the text column (only SUBSTR/LENGTH
    # of it may appear, on the review page)
    assert MARK not in response.content.decode()
    text_column = re.compile(r'"directives_sourcedocument"\."text"(?!\s*\))')
    loaded = [q["sql"] for q in queries.captured_queries if text_column.search(q["sql"])]
    assert loaded == []
    extraction = [
        q["sql"]
        for q in queries.captured_queries
        if re.search(r'"directives_sourcedocument"\."extraction"(?!\s*(->|\)|,\s*\'\$))', q["sql"])
    ]
    assert extraction == []


def test_the_review_page_shows_a_long_text_a_page_at_a_time(
    org: Any, people: Any, client_of: ClientOf
) -> None:
    directive = huge_source(org, people)
    client = client_of(people.province_officer)
    # The first page: 50,000 characters of the text, a pager, the task's link to page 3
    first = client.get(f"/van-ban/{directive.pk}/").content.decode()
    text = first[first.index('data-testid="source-text">') + len('data-testid="source-text">') :]
    text = html.unescape(re.sub(r"<[^>]+>", "", text[: text.index("</div>")]))
    assert len(text) == PAGE_CHARS
    assert text.startswith(MARK)
    assert "Ký tự 1–50000 trong 151234 · trang 1/4" in first
    assert 'href="?trang_vb=2#van-ban-goc">Trang sau ›</a>' in first
    task = directive.tasks.order_by("position").first()
    assert task is not None
    assert f'href="?trang_vb=3#nv-{task.pk}"' in first
    assert f'id="nv-{task.pk}"' not in first
    assert len(first) < PAGE_CHARS * 3  # the page, not the whole text
    # Page 3 holds the task's text, marked, with its anchor
    third = client.get(f"/van-ban/{directive.pk}/?trang_vb=3").content.decode()
    assert f'<span id="nv-{task.pk}" class="src-task">NHIỆM-VỤ-TRANG-BA</span>' in third
    assert f'href="#nv-{task.pk}"' in third
    assert "trang 3/4" in third
    assert "‹ Trang trước" in third
    # A page number out of range shows the nearest page
    last = client.get(f"/van-ban/{directive.pk}/?trang_vb=999").content.decode()
    assert "Ký tự 150001–151234 trong 151234 · trang 4/4" in last
    assert "Trang sau ›" not in last


def test_a_short_text_is_one_page_without_a_pager(
    org: Any, people: Any, client_of: ClientOf
) -> None:
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    page = client_of(people.province_officer).get(f"/van-ban/{directive.pk}/").content.decode()
    assert 'data-testid="source-pager"' not in page
    for task in directive.tasks.exclude(start=None):
        assert f'<span id="nv-{task.pk}" class="src-task">' in page
        assert f'href="#nv-{task.pk}"' in page
