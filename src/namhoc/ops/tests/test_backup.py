"""Backup archives (issue 15): what goes in, and every way a restore refuses without touching
anything. These run on a small SQLite database of their own (the drill, test_drill.py, runs the
real one on both databases)."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest

from namhoc.ops import archive
from namhoc.ops.backup import Site, backup_create, backup_restore, backup_verify
from namhoc.ops.errors import OpsError

BLOB = b"%PDF-1.4 minh chung\n"
BLOB_SHA = hashlib.sha256(BLOB).hexdigest()
BLOB_NAME = f"evidence/{BLOB_SHA[:2]}/{BLOB_SHA}.pdf"


def _site(root: Path, *, rows: int = 0) -> Site:
    root.mkdir(parents=True, exist_ok=True)
    db = root / "namhoc.sqlite3"
    if rows:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE figure (id INTEGER PRIMARY KEY, unit TEXT, value REAL)")
            conn.executemany(
                "INSERT INTO figure (unit, value) VALUES (?, ?)",
                [(f"s-{i}", i * 1.5) for i in range(rows)],
            )
        conn.close()
    return Site(
        database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(db)},
        media_root=root / "media",
        secret_key_file=root / "secret_key",
    )


def _source(tmp_path: Path) -> Site:
    site = _site(tmp_path / "source", rows=300)
    (site.media_root / Path(BLOB_NAME).parent).mkdir(parents=True)
    (site.media_root / BLOB_NAME).write_bytes(BLOB)
    (site.media_root / "reports").mkdir()
    (site.media_root / "reports" / "bao-cao.docx").write_bytes(b"PK\x03\x04 docx")
    assert site.secret_key_file is not None
    site.secret_key_file.write_text("k" * 60)
    return site


def _rows(site: Site) -> list[tuple]:
    with sqlite3.connect(site.database["NAME"]) as conn:
        return conn.execute("SELECT * FROM figure ORDER BY id").fetchall()


def _untouched(site: Site) -> None:
    assert not Path(site.database["NAME"]).exists()
    assert not site.media_root.exists()
    assert site.secret_key_file is not None
    assert not site.secret_key_file.exists()
    assert [p.name for p in site.media_root.parent.iterdir()] == []


@pytest.fixture
def made(tmp_path: Path) -> tuple[Site, Path]:
    site = _source(tmp_path)
    out = tmp_path / "sao-luu.tar.gz"
    backup_create(out, site=site, record=False)
    return site, out


def test_the_archive_holds_database_files_key_and_a_manifest_readable_by_owner_only(made):
    _unused, out = made
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with tarfile.open(out) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names == [
        "db/namhoc.sqlite3",
        f"media/{BLOB_NAME}",
        "media/reports/bao-cao.docx",
        "secret_key",
        "manifest.json",
        "manifest.sha256",
    ]
    assert manifest["format"] == "namhoc.backup/1"
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["secret_key_included"] is True
    files = {f["name"]: f for f in manifest["files"]}
    assert files[f"media/{BLOB_NAME}"] == {
        "name": f"media/{BLOB_NAME}",
        "size": len(BLOB),
        "sha256": hashlib.sha256(BLOB).hexdigest(),
        "kind": "media",
    }
    assert set(manifest["versions"]) == {"namhoc", "django", "python"}


def test_restore_into_an_empty_folder_gives_back_every_row_file_and_the_key(made, tmp_path):
    source, out = made
    target = _site(tmp_path / "target")
    result = backup_restore(out, site=target)
    assert _rows(target) == _rows(source)
    assert len(_rows(target)) == 300
    assert (target.media_root / BLOB_NAME).read_bytes() == BLOB
    assert (target.media_root / "reports" / "bao-cao.docx").read_bytes() == b"PK\x03\x04 docx"
    assert target.secret_key_file is not None
    assert target.secret_key_file.read_text() == "k" * 60
    assert stat.S_IMODE(target.secret_key_file.stat().st_mode) == 0o600
    assert (result.files, result.secret_key) == (2, "restored")
    assert [p.name for p in target.media_root.parent.iterdir() if p.name.startswith(".")] == []


def test_without_the_key_file_the_archive_has_none(tmp_path):
    site = _source(tmp_path)
    out = tmp_path / "b.tar"
    result = backup_create(out, site=site, include_secret_key=False, record=False)
    assert result.manifest.secret_key_included is False
    with tarfile.open(out) as tar:
        assert "secret_key" not in tar.getnames()


def _flip_byte_in(out: Path, needle: bytes) -> None:
    data = bytearray(out.read_bytes())
    at = data.index(needle)
    data[at] ^= 0x01
    out.write_bytes(bytes(data))


def test_a_changed_byte_refuses_the_restore_and_touches_nothing(tmp_path):
    site = _source(tmp_path)
    out = tmp_path / "b.tar"  # uncompressed: the file's bytes can be found and flipped
    backup_create(out, site=site, record=False)
    _flip_byte_in(out, b"minh chung")
    target = _site(tmp_path / "target")
    with pytest.raises(OpsError) as refused:
        backup_restore(out, site=target)
    assert refused.value.en == (
        f"the backup archive is damaged or incomplete (media/{BLOB_NAME} does not match its "
        "checksum); nothing was changed."
    )
    assert refused.value.vi.startswith("tệp sao lưu bị hỏng hoặc không đầy đủ")
    _untouched(target)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_archive_is_refused_and_touches_nothing(made, tmp_path, keep):
    _source_site, out = made
    data = out.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: int(len(data) * keep)])
    target = _site(tmp_path / "target")
    with pytest.raises(OpsError) as refused:
        backup_restore(cut, site=target)
    assert "damaged or incomplete" in refused.value.en
    _untouched(target)


def test_an_archive_cut_after_a_member_is_refused_for_its_missing_manifest(tmp_path):
    site = _source(tmp_path)
    out = tmp_path / "b.tar"
    backup_create(out, site=site, record=False)
    with tarfile.open(out) as tar:
        members = [m for m in tar.getmembers() if not m.name.startswith("manifest")]
        cut = tmp_path / "cut.tar"
        with tarfile.open(cut, "w") as short:
            for member in members:
                short.addfile(member, tar.extractfile(member))
    target = _site(tmp_path / "target")
    with pytest.raises(OpsError) as refused:
        backup_restore(cut, site=target)
    assert "no manifest: the archive was cut short" in refused.value.en
    _untouched(target)


def _tar_with(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


@pytest.mark.parametrize("name", ["../evil", "/etc/evil", "media/../../evil", "other/x"])
def test_a_member_outside_the_archive_layout_is_refused(tmp_path, name):
    out = tmp_path / "evil.tar"
    _tar_with(out, {name: b"x"})
    target = _site(tmp_path / "target")
    with pytest.raises(OpsError) as refused:
        backup_restore(out, site=target)
    assert refused.value.en == (
        f"the backup archive is damaged or incomplete (unexpected member {name!r}); "
        "nothing was changed."
    )
    _untouched(target)
    assert not (tmp_path / "evil").exists()


def test_a_link_member_is_refused(tmp_path):
    out = tmp_path / "link.tar"
    with tarfile.open(out, "w") as tar:
        info = tarfile.TarInfo("media/x")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(OpsError, match="unexpected member 'media/x'"):
        backup_verify(out)


def test_a_manifest_that_lies_about_its_checksum_is_refused(made, tmp_path):
    _unused, out = made
    with tarfile.open(out) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    members["manifest.sha256"] = b"0" * 64 + b"  manifest.json\n"
    forged = tmp_path / "forged.tar"
    _tar_with(forged, members)
    with pytest.raises(OpsError, match="the manifest does not match its checksum"):
        backup_verify(forged)


def test_an_extra_member_not_in_the_manifest_is_refused(made, tmp_path):
    _unused, out = made
    with tarfile.open(out) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest, checksum = members.pop("manifest.json"), members.pop("manifest.sha256")
    members["media/extra.txt"] = b"extra"
    members["manifest.json"], members["manifest.sha256"] = manifest, checksum
    forged = tmp_path / "extra.tar"
    _tar_with(forged, members)
    with pytest.raises(OpsError, match=r"media/extra.txt is not in the manifest"):
        backup_verify(forged)


def test_restore_refuses_a_database_that_is_not_empty(made, tmp_path):
    _source_site, out = made
    target = _site(tmp_path / "target", rows=1)
    with pytest.raises(OpsError) as refused:
        backup_restore(out, site=target)
    assert refused.value.vi == (
        "cơ sở dữ liệu đích không trống (1 bảng, ví dụ figure); chỉ phục hồi vào cơ sở dữ liệu "
        "trống (tạo mới, chưa chạy migrate)."
    )
    assert len(_rows(target)) == 1
    assert not target.media_root.exists()


def test_restore_refuses_an_uploads_folder_that_is_not_empty(made, tmp_path):
    _source_site, out = made
    target = _site(tmp_path / "target")
    (target.media_root / "evidence").mkdir(parents=True)
    (target.media_root / "evidence" / "old.pdf").write_bytes(b"old")
    with pytest.raises(OpsError, match=r"not empty \(1 files\)"):
        backup_restore(out, site=target)
    assert not Path(target.database["NAME"]).exists()
    assert [p.name for p in (target.media_root / "evidence").iterdir()] == ["old.pdf"]


def test_restore_refuses_another_kind_of_database(made, tmp_path):
    _source_site, out = made
    target = Site(
        database={"ENGINE": "django.db.backends.postgresql", "NAME": "namhoc"},
        media_root=tmp_path / "t" / "media",
        secret_key_file=None,
    )
    with pytest.raises(OpsError) as refused:
        backup_restore(out, site=target)
    assert refused.value.en == (
        "the archive holds a sqlite database and the target is postgresql; restore into the "
        "same kind of database."
    )


def test_restore_refuses_an_archive_from_a_newer_namhoc(tmp_path):
    site = _source(tmp_path)
    out = tmp_path / "b.tar"
    backup_create(out, site=site, record=False)
    with tarfile.open(out) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"] = {"tracking": ["0099_from_the_future"]}
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sha256"] = (
        hashlib.sha256(members["manifest.json"]).hexdigest().encode() + b"  manifest.json\n"
    )
    newer = tmp_path / "newer.tar"
    _tar_with(newer, members)
    target = _site(tmp_path / "target")
    with pytest.raises(OpsError) as refused:
        backup_restore(newer, site=target)
    assert "upgrade namhoc before restoring" in refused.value.en
    assert "tracking.0099_from_the_future" in refused.value.vi
    _untouched(target)


def test_an_upload_still_being_written_is_left_out(tmp_path):
    site = _source(tmp_path)
    digest = hashlib.sha256(b"the whole file").hexdigest()
    partial = site.media_root / "evidence" / digest[:2] / f"{digest}.pdf"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"the who")  # its bytes do not yet match its name
    out = tmp_path / "b.tar"
    result = backup_create(out, site=site, record=False)
    assert result.manifest.skipped == [f"evidence/{digest[:2]}/{digest}.pdf"]
    assert [m.name for m in result.manifest.media] == [
        f"media/{BLOB_NAME}",
        "media/reports/bao-cao.docx",
    ]


def test_an_existing_archive_is_not_overwritten_without_force(made):
    site, out = made
    before = out.read_bytes()
    with pytest.raises(OpsError) as refused:
        backup_create(out, site=site, record=False)
    assert refused.value.en == (
        f"{out} already exists; choose another name or pass --force to replace it."
    )
    assert out.read_bytes() == before
    backup_create(out, site=site, record=False, force=True)
    assert archive.verify(out).database["vendor"] == "sqlite"


def test_the_snapshot_is_consistent_while_another_connection_writes(tmp_path):
    """The SQLite backup API under WAL: a writer holding an open transaction neither blocks the
    copy nor leaks its uncommitted rows into it."""
    site = _site(tmp_path / "source", rows=10)
    writer = sqlite3.connect(site.database["NAME"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO figure (unit, value) VALUES ('uncommitted', 1)")
    out = tmp_path / "b.tar"
    backup_create(out, site=site, record=False)
    writer.execute("COMMIT")
    writer.close()
    target = _site(tmp_path / "target")
    backup_restore(out, site=target)
    assert len(_rows(target)) == 10
    assert len(_rows(site)) == 11


def test_a_restored_sqlite_file_is_put_back_in_wal_mode(tmp_path: Path) -> None:
    """The archive's copy is a standalone file (rollback journal); restoring puts it back in
    WAL mode before any server opens it. Left to the server, its workers' first connections
    race to switch the mode and the losers get "database is locked" at once (seen in the race
    tests' copies of the test database)."""
    from namhoc.ops.databases import sqlite_install

    staged = tmp_path / "staged.sqlite3"
    with sqlite3.connect(staged) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    target = tmp_path / "data" / "namhoc.sqlite3"
    sqlite_install(staged, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)})
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()
    assert not staged.exists()
