"""``namhoc backup`` and ``namhoc restore`` (ADR 0010).

A backup is taken while namhoc runs. The database snapshot comes first (``ops.databases``); the
files under ``MEDIA_ROOT`` are copied after it. namhoc never deletes a stored file that a
committed row names, and a row is committed only after its file is written, so every file the
snapshot names is on disk when the copy reaches it; files added later come along as harmless
extras, and an upload still being written (a content-addressed file whose bytes do not yet match
its name) is left out. The secret key file comes along unless asked not to; no other secret
(database password, SMTP password, webhook secrets live in the database they protect) is
written by namhoc into an archive.

A restore goes only into an empty database and an empty uploads folder, after the whole archive
has been read and every checksum matched. Files are written into a staging folder first, the
database is restored all-or-nothing (SQLite: a checked file moved into place; PostgreSQL:
``pg_restore --single-transaction``), then the staged files are moved into place.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from namhoc.ops import archive, databases
from namhoc.ops.archive import Manifest, Member
from namhoc.ops.errors import OpsError

Log = Callable[[str], object]


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class Site:
    """Where one namhoc keeps its data: the database, the uploads folder, the key file."""

    database: dict[str, Any]
    media_root: Path
    secret_key_file: Path | None

    @property
    def vendor(self) -> str:
        return databases.vendor_of(self.database)

    @classmethod
    def current(cls, alias: str = "default") -> Site:
        from django.conf import settings
        from django.db import connections

        key_file = getattr(settings, "SECRET_KEY_FILE", None)
        return cls(
            database=dict(connections[alias].settings_dict),
            media_root=Path(settings.MEDIA_ROOT),
            secret_key_file=Path(key_file) if key_file else None,
        )


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: Manifest


def _versions() -> dict[str, str]:
    import django

    from namhoc import __version__

    return {
        "namhoc": __version__,
        "django": django.get_version(),
        "python": platform.python_version(),
    }


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(found)


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(archive.CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(
    out: Path,
    *,
    site: Site | None = None,
    include_secret_key: bool = True,
    force: bool = False,
    record: bool = True,
    log: Log = _quiet,
) -> BackupResult:
    """Write a backup archive to ``out`` (mode 0600) and, with ``record``, remember it in the
    database (``BackupRecord``, read by ``check-prod`` and ``/metrics``)."""
    from django.utils import timezone

    site = site or Site.current()
    started = timezone.now()
    out = out.expanduser().absolute()
    try:
        result = _backup(
            out, site=site, include_secret_key=include_secret_key, force=force, log=log
        )
    except OpsError as exc:
        if record:
            _record(started=started, ok=False, site=site, path=out, error=exc.en)
        raise
    if record:
        _record(
            started=started,
            ok=True,
            site=site,
            path=result.path,
            size=result.size,
            sha256=result.sha256,
            files=len(result.manifest.media),
        )
    return result


def _backup(
    out: Path, *, site: Site, include_secret_key: bool, force: bool, log: Log
) -> BackupResult:
    if out.exists() and not force:
        raise OpsError(
            f"tệp {out} đã có; chọn tên khác hoặc thêm --force để ghi đè.",
            f"{out} already exists; choose another name or pass --force to replace it.",
        )
    if not out.parent.is_dir():
        raise OpsError(f"không có thư mục {out.parent}.", f"folder {out.parent} does not exist.")
    vendor = site.vendor
    work = Path(tempfile.mkdtemp(prefix=".namhoc-backup-", dir=out.parent))
    partial = work / ("archive" + "".join(out.suffixes[-2:]))
    try:
        os.chmod(work, 0o700)
        # 1. The database snapshot: everything the archive promises is consistent with it.
        snapshot = work / ("namhoc.sqlite3" if vendor == databases.SQLITE else "namhoc.pgdump")
        log("Đang chụp cơ sở dữ liệu… / Snapshotting the database…")
        if vendor == databases.SQLITE:
            databases.sqlite_snapshot(site.database, snapshot)
            migrations = databases.applied_migrations({**site.database, "NAME": str(snapshot)})
        else:
            migrations = databases.applied_migrations(site.database)
            databases.pg_dump(site.database, snapshot)
        manifest = Manifest(
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            versions=_versions(),
            database={
                "vendor": vendor,
                "server_version": databases.server_version(site.database),
                "name": Path(str(site.database.get("NAME"))).name
                if vendor == databases.SQLITE
                else str(site.database.get("NAME")),
            },
            migrations=migrations,
        )
        writer = archive.ArchiveWriter(partial, spool_dir=work)
        try:
            writer.add_path(
                archive.DB_SQLITE if vendor == databases.SQLITE else archive.DB_POSTGRESQL,
                snapshot,
                kind="database",
            )
            snapshot.unlink()
            # 2. The files, after the snapshot.
            files = _media_files(site.media_root)
            log(f"Đang chép {len(files)} tệp… / Copying {len(files)} files…")
            for path in files:
                relative = path.relative_to(site.media_root).as_posix()
                name = archive.MEDIA_PREFIX + relative
                if not archive.valid_name(name):
                    manifest.skipped.append(relative)
                    continue
                if writer.add_live_file(name, path, kind="media") is None:
                    manifest.skipped.append(relative)
            # 3. The key file.
            key = site.secret_key_file
            if include_secret_key and key is not None and key.is_file():
                writer.add_path(archive.SECRET_KEY, key, kind="secret_key")
                manifest.secret_key_included = True
            writer.finish(manifest)
        except BaseException:
            writer.abort()
            raise
        os.chmod(partial, 0o600)
        sha = _file_sha256(partial)
        size = partial.stat().st_size
        os.replace(partial, out)
        return BackupResult(path=out, size=size, sha256=sha, manifest=manifest)
    except OSError as exc:
        raise OpsError(
            f"không ghi được bản sao lưu: {exc}", f"cannot write the backup: {exc}"
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _record(
    *,
    started: dt.datetime,
    ok: bool,
    site: Site,
    path: Path,
    size: int = 0,
    sha256: str = "",
    files: int = 0,
    error: str = "",
) -> None:
    from django.db import DatabaseError
    from django.utils import timezone

    from namhoc.ops.models import BACKUP_ERROR_MAX, BACKUP_PATH_MAX, BackupRecord

    try:
        BackupRecord.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            ok=ok,
            path=str(path)[:BACKUP_PATH_MAX],
            size=size,
            sha256=sha256,
            vendor=site.vendor,
            files=files,
            error=error[:BACKUP_ERROR_MAX],
        )
    except DatabaseError as exc:  # the archive is written; say that it was not recorded
        sys.stderr.write(
            f"namhoc: không ghi được nhật ký sao lưu vào cơ sở dữ liệu ({exc}) / "
            f"could not record the backup in the database ({exc})\n"
        )


# --- restore --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    files: int
    secret_key: str  # restored | kept | absent | env (the key comes from NAMHOC_SECRET_KEY)
    pending_migrations: int


def _disk_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_target(manifest: Manifest, site: Site) -> None:
    vendor = manifest.database.get("vendor")
    if vendor != site.vendor:
        raise OpsError(
            f"bản sao lưu là của {vendor}, còn cơ sở dữ liệu đích là {site.vendor}; "
            "chỉ phục hồi được vào cùng loại cơ sở dữ liệu.",
            f"the archive holds a {vendor} database and the target is {site.vendor}; "
            "restore into the same kind of database.",
        )
    known = _disk_migrations()
    archived = {(app, name) for app, names in manifest.migrations.items() for name in names}
    newer = sorted(archived - known)
    if newer:
        app, name = newer[0]
        raise OpsError(
            f"bản sao lưu được tạo bởi phiên bản namhoc mới hơn (migration {app}.{name} chưa "
            "có ở đây); hãy nâng cấp namhoc trước khi phục hồi.",
            f"the archive comes from a newer namhoc (migration {app}.{name} is unknown here); "
            "upgrade namhoc before restoring.",
        )
    tables = databases.user_tables(site.database)
    if tables:
        raise OpsError(
            f"cơ sở dữ liệu đích không trống ({len(tables)} bảng, ví dụ {tables[0]}); chỉ phục "
            "hồi vào cơ sở dữ liệu trống (tạo mới, chưa chạy migrate).",
            f"the target database is not empty ({len(tables)} tables, e.g. {tables[0]}); "
            "restore only into an empty database (newly created, before any migrate).",
        )
    present = _media_files(site.media_root)
    if present:
        raise OpsError(
            f"thư mục tệp {site.media_root} không trống ({len(present)} tệp); chỉ phục hồi vào "
            "thư mục dữ liệu trống.",
            f"the uploads folder {site.media_root} is not empty ({len(present)} files); "
            "restore only into an empty data folder.",
        )


def backup_verify(path: Path) -> Manifest:
    """Read the archive through and check every member; raise OpsError when damaged."""
    return archive.verify(path.expanduser().absolute())


def backup_restore(
    path: Path, *, site: Site | None = None, keep_secret_key: bool = False, log: Log = _quiet
) -> RestoreResult:
    from django.db import connections

    site = site or Site.current()
    path = path.expanduser().absolute()
    log("Đang kiểm tra tệp sao lưu… / Verifying the archive…")
    manifest = archive.verify(path)
    _check_target(manifest, site)
    site.media_root.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".namhoc-restore-", dir=site.media_root.parent))
    db_member = manifest.database_member
    if site.vendor == databases.SQLITE:
        db_path = Path(str(site.database["NAME"]))
        db_path.parent.mkdir(parents=True, exist_ok=True)
        staged_db = Path(tempfile.mkdtemp(prefix=".namhoc-restore-db-", dir=db_path.parent))
    else:
        staged_db = stage
    staged_media = stage / "media"
    staged_media.mkdir(mode=0o700)

    def place(member: Member) -> Path | None:
        if member.kind == "database":
            return staged_db / Path(member.name).name
        if member.kind == "secret_key":
            return stage / archive.SECRET_KEY
        return staged_media / member.name.removeprefix(archive.MEDIA_PREFIX)

    try:
        log("Đang giải nén… / Extracting…")
        archive.extract(path, manifest, place=place)
        snapshot = staged_db / Path(db_member.name).name
        connections.close_all()
        log("Đang phục hồi cơ sở dữ liệu… / Restoring the database…")
        if site.vendor == databases.SQLITE:
            databases.sqlite_check(snapshot)
            # Still empty? Someone may have run migrate meanwhile.
            _check_target(manifest, site)
            databases.sqlite_install(snapshot, site.database)
        else:
            databases.pg_restore(site.database, snapshot)
        if site.media_root.exists():
            shutil.rmtree(site.media_root)  # checked above: folders without a single file
        os.replace(staged_media, site.media_root)
        key_state = _restore_key(stage / archive.SECRET_KEY, site, keep=keep_secret_key)
    except OSError as exc:
        raise OpsError(
            f"không phục hồi được: {exc}", f"the restore could not be completed: {exc}"
        ) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if staged_db != stage:
            shutil.rmtree(staged_db, ignore_errors=True)
    applied = {(app, name) for app, names in manifest.migrations.items() for name in names}
    return RestoreResult(
        manifest=manifest,
        files=len(manifest.media),
        secret_key=key_state,
        pending_migrations=len(_disk_migrations() - applied),
    )


def _restore_key(staged: Path, site: Site, *, keep: bool) -> str:
    if not staged.is_file():
        return "absent"
    target = site.secret_key_file
    if target is None:
        return "env"
    if keep:
        return "kept"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(staged, temporary)
    os.chmod(temporary, 0o600)
    os.replace(temporary, target)
    return "restored"
