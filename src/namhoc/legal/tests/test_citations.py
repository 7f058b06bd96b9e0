"""Citations meet the registry (issue 17): every citation on the review page links to its
registry entry (or to the look-up of its number); the review page warns when a directive cites a
replaced document; the citation graph follows a document down the hierarchy within the viewer's
scope; each province lists its directives still citing a replaced document."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from namhoc.core.types import SYSTEM
from namhoc.directives.models import Citation, Directive, SourceDocument
from namhoc.directives.selectors.citing import citation_graph, stale_citations
from namhoc.legal.models import LegalDocument
from namhoc.legal.services import registry_load

pytestmark = pytest.mark.django_db


def _directive(unit, number, *, status="published", cites=(), upper=None, title=""):
    source = SourceDocument.objects.create(
        unit=unit, sha256=(number + status).encode().hex().ljust(64, "0")[:64],
        filename="kh.txt", format="txt", size=1, file="directives/kh.txt", status="ready",
    )  # fmt: skip
    directive = Directive.objects.create(
        unit=unit, source=source, status=status, number=number, upper=upper,
        title=title or f"Kế hoạch {number}", school_year="2025-2026",
        issued_on=timezone.localdate(),
        published_at=timezone.now() if status != "draft" else None,
    )  # fmt: skip
    for position, cited in enumerate(cites):
        Citation.objects.create(directive=directive, number=cited, start=position)
    return directive


@pytest.fixture
def registry(org):
    registry_load(actor=SYSTEM)


@pytest.fixture
def chain(org, registry):
    """The Ministry's plan cites the 2024 disclosure circular; the province's plan implements
    the Ministry's and still cites the 2017 one; a commune cites the province's plan; province
    B's plan also implements the Ministry's."""
    ministry = _directive(org.ministry, "2358/QĐ-BGDĐT", cites=["09/2024/TT-BGDĐT", "43/2019/QH14"])
    province = _directive(
        org.province_a, "102/KH-SGDĐT", upper=ministry, cites=["36/2017/TT-BGD&ĐT"]
    )
    commune = _directive(org.commune_a1, "15/KH-UBND", cites=["102/KH-SGDĐT"])
    other = _directive(org.province_b, "88/KH-SGDĐT", cites=["2358/QĐ-BGDĐT", "36/2017/TT-BGDĐT"])
    return ministry, province, commune, other


def test_the_review_page_warns_about_a_cited_replaced_document(org, people, client_of, registry):
    draft = _directive(
        org.province_a, "", status="draft", cites=["36/2017/TT-BGDĐT", "09/2024/TT-BGDĐT"]
    )
    body = (
        client_of(people.province_officer)
        .get(reverse("directives:detail", args=[draft.pk]))
        .content.decode()
    )
    assert body.count('data-testid="legal-notice"') == 1
    assert (
        "Văn bản được dẫn Thông tư 36/2017/TT-BGDĐT đã bị thay thế bởi Thông tư 09/2024/TT-BGDĐT "
        "ngày 03/06/2024; hãy kiểm tra lại căn cứ." in body
    )
    # every citation links to the registry: the replaced one flagged, the other plainly
    assert body.count('data-testid="citation-legal"') == 2
    assert "/van-ban-phap-ly/tra-cuu/?so=36/2017/TT-BGD%C4%90T" in body
    assert '<span class="badge badge-off">Đã bị thay thế</span>' in body


def test_the_publish_page_repeats_the_warning(org, people, client_of, registry):
    draft = _directive(org.province_a, "7/KH-SGDĐT", status="draft", cites=["110/2004/NĐ-CP"])
    draft.tasks.create(position=1, label="1", title="Nhiệm vụ một")
    page = client_of(people.province_officer).get(reverse("directives:publish", args=[draft.pk]))
    assert (
        "Văn bản được dẫn Nghị định 110/2004/NĐ-CP đã bị thay thế bởi Nghị định 30/2020/NĐ-CP "
        "ngày 05/03/2020; hãy kiểm tra lại căn cứ." in page.content.decode()
    )


def test_no_warning_without_a_replaced_citation(org, people, client_of, registry):
    draft = _directive(org.province_a, "", status="draft", cites=["09/2024/TT-BGDĐT", "1/KH-X"])
    body = (
        client_of(people.province_officer)
        .get(reverse("directives:detail", args=[draft.pk]))
        .content.decode()
    )
    assert 'data-testid="legal-notice"' not in body
    assert ">Tra cứu trích dẫn</a>" in body  # 1/KH-X: not in the registry
    assert ">Danh mục pháp lý</a>" in body


def test_a_citation_in_the_registry_opens_its_entry(org, people, client_of, registry):
    client = client_of(people.commune_officer)
    response = client.get(reverse("legal:lookup") + "?so=36/2017/TT-BGD%26%C4%90T")
    entry = LegalDocument.objects.get(number="36/2017/TT-BGDĐT")
    assert response.status_code == 302
    assert response["Location"] == reverse("legal:document", args=[entry.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Đã bị thay thế bởi" in page
    assert entry.source_url in page


def test_the_graph_follows_a_document_down_within_the_viewers_scope(org, people, chain):
    mine = citation_graph(people.province_officer, "09/2024/TT-BGDĐT")
    assert [[d.number for d in level.directives] for level in mine.levels] == [
        ["2358/QĐ-BGDĐT"],
        ["102/KH-SGDĐT"],  # implements it (its upper directive)
        ["15/KH-UBND"],
    ]
    assert mine.entry.number == "09/2024/TT-BGDĐT"
    # province B's officer sees the Ministry's plan (issued above) and its own; nothing of A
    theirs = citation_graph(people.outsider, "09/2024/TT-BGDĐT")
    assert [[d.number for d in level.directives] for level in theirs.levels] == [
        ["2358/QĐ-BGDĐT"],
        ["88/KH-SGDĐT"],
    ]
    # a commune officer: its own plan cites the province's, which is visible from below
    assert [
        [d.number for d in level.directives]
        for level in citation_graph(people.commune_officer, "102/KH-SGDĐT").levels
    ] == [["15/KH-UBND"]]


def test_the_graph_says_what_a_directive_cites(org, people, chain):
    graph = citation_graph(people.province_officer, "2358/QĐ-BGDĐT")
    assert [d.number for d in graph.documents] == ["2358/QĐ-BGDĐT"]
    assert [(c.number, e.status if e else None) for c, e in graph.cites] == [
        ("09/2024/TT-BGDĐT", "in_force"),
        ("43/2019/QH14", "amended"),
    ]
    assert graph.entry.number == "2358/QĐ-BGDĐT"  # the Ministry's plan is in the registry too


def test_the_graph_page_and_its_api_show_the_same(org, people, client_of, chain):
    client = client_of(people.outsider)
    page = client.get(reverse("legal:lookup") + "?so=102/KH-SGDĐT")
    assert page.status_code == 200
    body = page.content.decode()
    assert "chưa có trong danh mục văn bản pháp lý" in body
    assert "Chưa có văn bản nào bạn được xem dẫn văn bản này." in body
    api = client.get("/api/legal/graph?number=09/2024/TT-BGD%C4%90T").json()
    assert [[d["number"] for d in level["directives"]] for level in api["citing"]] == [
        ["2358/QĐ-BGDĐT"],
        ["88/KH-SGDĐT"],
    ]
    assert api["registry"]["number"] == "09/2024/TT-BGDĐT"
    bad = client.get(reverse("legal:lookup") + "?so=" + "9" * 90)
    assert bad.status_code == 400
    assert "Hãy nhập số, ký hiệu văn bản (tối đa 80 ký tự)" in bad.content.decode()


def test_each_province_lists_its_directives_still_citing_a_replaced_one(org, people, chain):
    draft = _directive(org.province_a, "9/KH-SGDĐT", status="draft", cites=["36/2017/TT-BGDĐT"])
    mine = stale_citations(people.province_officer)
    assert mine.unit == org.province_a
    rows = list(mine.directives)
    assert [d.number for d in rows] == ["102/KH-SGDĐT"]  # published only: not the draft
    assert [c.number for c in rows[0].stale_citations] == ["36/2017/TT-BGD&ĐT"]
    assert draft.pk not in {d.pk for d in rows}
    assert [d.number for d in stale_citations(people.outsider).directives] == ["88/KH-SGDĐT"]
    # a superuser at the root sees every province's
    assert [d.number for d in stale_citations(people.superuser).directives] == [
        "102/KH-SGDĐT",
        "88/KH-SGDĐT",
    ]


def test_the_stale_list_page_and_api(org, people, client_of, chain):
    client = client_of(people.province_officer)
    page = client.get(reverse("legal:stale")).content.decode()
    assert "102/KH-SGDĐT" in page
    assert "đã bị thay thế bởi 09/2024/TT-BGDĐT" in page
    assert "88/KH-SGDĐT" not in page
    api = client.get("/api/legal/stale-citations").json()
    assert api["count"] == 1
    assert api["items"][0]["number"] == "102/KH-SGDĐT"
    assert api["items"][0]["cites"] == [
        {
            "number": "36/2017/TT-BGD&ĐT",
            "registry_id": LegalDocument.objects.get(number="36/2017/TT-BGDĐT").pk,
            "status": "replaced",
        }
    ]
    # another province's unit: not found
    assert client.get("/api/legal/stale-citations?unit=p-b").status_code == 404
    assert client.get(reverse("legal:stale") + "?don_vi=p-b").status_code == 404


def test_the_registry_pages_need_a_sign_in(org, registry):
    client = Client()
    assert client.get(reverse("legal:registry")).status_code == 302
    assert client.get("/api/legal/documents").status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/van-ban-phap-ly/?q=%00",
        "/van-ban-phap-ly/tra-cuu/?so=09%00/2024",
        "/van-ban-phap-ly/tra-cuu/?so=",
        "/van-ban-phap-ly/van-ban-con-dan-van-ban-bi-thay-the/?don_vi=p-a%00",
        "/api/legal/graph?number=%00",
        "/api/legal/stale-citations?unit=%00",
        "/api/legal/documents?q=%00",
    ],
)
def test_no_input_breaks_a_registry_page(org, people, client_of, registry, url):
    assert client_of(people.province_officer).get(url).status_code in (200, 400, 404, 422)
