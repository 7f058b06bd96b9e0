"""Throughput of namhoc.ingest on the seeds and on generated 0.1, 1 and 10 MB inputs.

Prints ``ingest: X MB/s`` per input, the ratio to merely decoding and normalizing the same bytes
in the same run, the time per MB at each size (its growth shows whether time is linear), and the
peak resident memory. Times are the CPU time of this process (``time.process_time``): the
pipeline runs on one core, and on a machine shared with other work the wall clock would measure
the others too. Targets (issue 12): >= 6 MB/s of plain text for the whole pipeline; 10 MB under
10 s and 512 MB.

    python bench/ingest.py
"""

from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

from namhoc.ingest import ReadLimits, read_document
from namhoc.ingest.normalize import normalize_text
from namhoc.ingest.readers.text import decode_bytes

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
MB = 2**20
# Large enough for the 10 MB input (the defaults refuse more than 3,000,000 characters).
LIMITS = ReadLimits(max_bytes=64 * MB, max_chars=64 * MB, max_seconds=3600)

_SYNTHETIC = """UBND TỈNH {n}
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: {n}/KH-SGDĐT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày {d} tháng {m} năm 2024
KẾ HOẠCH
Thực hiện nhiệm vụ năm học 2024-2025
Căn cứ Chỉ thị số {n}/CT-BGDĐT ngày {d}/{m}/2024 của Bộ trưởng Bộ GDĐT; Thông tư số
17, 18, 19/2018/TT-BGDĐT; Nghị quyết số 29-NQ/TW ngày 04/11/2013;
Quyết định số 3248/QĐ- UBND ngày 15 tháng 12 năm 2021.
Với chủ đề năm học “Kỷ cương - Sáng tạo - Đột phá - Phát triển”, Sở xác định 5 nhiệm vụ trọng tâm:
1. Rà soát, sắp xếp mạng lưới trường lớp; phấn đấu 100% trẻ 5 tuổi ra lớp,
tỷ lệ trường chuẩn đạt {p},5%.
2. Giao Phòng Tổ chức cán bộ chủ trì, phối hợp với Phòng Kế hoạch - Tài chính rà soát biên chế.
a) Giáo dục mầm non: huy động {n} trẻ.
- Tăng cường kiểm tra; + báo cáo kết quả về Sở.
3. Đẩy mạnh chuyển đổi số, cải cách hành chính.
4. Phát triển đội ngũ nhà giáo và cán bộ quản lý giáo dục.
5. Tăng cường công tác truyền thông.
"""


def _corpus() -> str:
    if SEEDS.is_dir():
        # The seeds' bodies (their site furniture left out, as a long document has none inside).
        bodies = []
        for path in sorted(SEEDS.glob("*.txt")):
            result = read_document(path)
            bodies.append(result.text[result.body.start : result.body.end])
        return "\n\n".join(bodies)
    rng = random.Random(1)
    return "\n".join(
        _SYNTHETIC.format(
            n=rng.randint(1, 9999),
            d=rng.randint(1, 28),
            m=rng.randint(1, 12),
            p=rng.randint(10, 99),
        )
        for _ in range(20)
    )


def generated(size: int) -> bytes:
    """About ``size`` bytes of directive-like text: seed and synthetic text, numbers varied."""
    rng = random.Random(size)
    corpus = _corpus()
    parts: list[str] = []
    total = 0
    while total < size:
        block = _SYNTHETIC.format(
            n=rng.randint(1, 9999),
            d=rng.randint(1, 28),
            m=rng.randint(1, 12),
            p=rng.randint(10, 99),
        )
        block += corpus[rng.randrange(0, max(1, len(corpus) - 4000)) :][:4000] + "\n"
        parts.append(block)
        total += len(block.encode("utf-8"))
    return "".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore").encode("utf-8")


def _best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def measure(name: str, data: bytes, repeat: int) -> tuple[float, float]:
    ingest = _best(lambda: read_document(data, filename="bench.txt", limits=LIMITS), repeat)
    baseline = _best(lambda: normalize_text(decode_bytes(data)[0]), repeat)
    mb = len(data) / MB
    print(
        f"{name:>10}: {mb:7.2f} MB  ingest: {mb / ingest:6.2f} MB/s  ({ingest:6.3f} s; "
        f"{ingest / mb:6.3f} s/MB)  read+normalize: {mb / baseline:7.2f} MB/s  "
        f"ratio ingest/read+normalize: {ingest / baseline:5.1f}x"
    )
    return ingest / mb, baseline / mb


def main() -> int:
    print(f"namhoc.ingest benchmark (python {sys.version.split()[0]}, one core)")
    if SEEDS.is_dir():
        seeds = b"".join(p.read_bytes() for p in sorted(SEEDS.glob("*.txt")))
        for path in sorted(SEEDS.glob("*.txt")):
            measure(path.name[:10], path.read_bytes(), 5)
        per_mb_seeds = measure("seeds", seeds, 5)
    per_mb = {}
    baseline = {}
    for label, size, repeat in (("0.1 MB", MB // 10, 3), ("1 MB", MB, 3), ("10 MB", 10 * MB, 2)):
        per_mb[label], baseline[label] = measure(label, generated(size), repeat)
    growth = per_mb["10 MB"] / per_mb["0.1 MB"]
    print(
        f"time per MB: 0.1 MB {per_mb['0.1 MB']:.3f} s, 1 MB {per_mb['1 MB']:.3f} s, "
        f"10 MB {per_mb['10 MB']:.3f} s; growth 0.1->10 MB: {growth:.2f}x (1.0 = linear)"
    )
    summary = [("10 MB generated", per_mb["10 MB"], baseline["10 MB"])]
    if SEEDS.is_dir():
        summary.insert(0, ("the seeds", *per_mb_seeds))
    for label, pipeline, read in summary:
        print(
            f"whole pipeline on {label}: {1 / pipeline:.2f} MB/s; read+normalize "
            f"{1 / read:.2f} MB/s; ratio {pipeline / read:.1f}x (CPU time, one core)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
