"""The backup archive: one tar file (gzip when its name ends in .gz/.tgz) holding

    db/namhoc.sqlite3  or  db/namhoc.pgdump    the database snapshot
    media/<path>                               every uploaded or generated file
    secret_key                                 the secret key file (unless left out)
    manifest.json                              versions, database, migrations, every file
                                               above with its size and SHA-256
    manifest.sha256                            the manifest's own SHA-256

The manifest comes last, so an archive cut short has none and is refused. Reading checks every
member against it: names (no absolute paths, no "..", no links or devices), sizes, checksums,
nothing missing and nothing extra. Nothing is written anywhere until all of that holds.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from namhoc.ops.errors import OpsError

FORMAT = "namhoc.backup/1"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
SECRET_KEY = "secret_key"  # noqa: S105 - a member name, not a secret
DB_SQLITE = "db/namhoc.sqlite3"
DB_POSTGRESQL = "db/namhoc.pgdump"
MEDIA_PREFIX = "media/"
MANIFEST_MAX = 64 * 1024 * 1024
CHUNK = 1024 * 1024
# Files stored under their own SHA-256 (``directives.files.store_blob``): checkable by name.
_BLOB = re.compile(r"(?:^|/)[0-9a-f]{2}/([0-9a-f]{64})\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str
    kind: str  # database | media | secret_key

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256, "kind": self.kind}


@dataclass
class Manifest:
    created_at: str
    versions: dict[str, str]
    database: dict[str, Any]
    migrations: dict[str, list[str]]
    members: list[Member] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    secret_key_included: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "created_at": self.created_at,
            "versions": self.versions,
            "database": self.database,
            "migrations": self.migrations,
            "secret_key_included": self.secret_key_included,
            "files": [m.as_dict() for m in self.members],
            "skipped": self.skipped,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise _damaged(f"unknown format {data.get('format')!r}")
        try:
            members = [
                Member(
                    name=str(m["name"]),
                    size=int(m["size"]),
                    sha256=str(m["sha256"]),
                    kind=str(m["kind"]),
                )
                for m in data["files"]
            ]
            return cls(
                created_at=str(data["created_at"]),
                versions=dict(data["versions"]),
                database=dict(data["database"]),
                migrations={str(k): list(v) for k, v in data["migrations"].items()},
                members=members,
                skipped=list(data.get("skipped", [])),
                secret_key_included=bool(data.get("secret_key_included")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _damaged(f"malformed manifest ({exc})") from exc

    @property
    def database_member(self) -> Member:
        found = [m for m in self.members if m.kind == "database"]
        if len(found) != 1:
            raise _damaged("the manifest names no database snapshot")
        return found[0]

    @property
    def media(self) -> list[Member]:
        return [m for m in self.members if m.kind == "media"]

    @property
    def media_bytes(self) -> int:
        return sum(m.size for m in self.media)


def _damaged(detail: str) -> OpsError:
    return OpsError(
        f"tệp sao lưu bị hỏng hoặc không đầy đủ ({detail}); không có gì bị thay đổi.",
        f"the backup archive is damaged or incomplete ({detail}); nothing was changed.",
    )


def _gzip(path: Path) -> bool:
    return path.name.endswith((".gz", ".tgz"))


def valid_name(name: str) -> bool:
    """A member name namhoc writes: relative, normalized, no "..", under a known place."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    if any(part in ("", ".", "..") for part in parts) or str(PurePosixPath(name)) != name:
        return False
    if name in (MANIFEST, MANIFEST_SUM, SECRET_KEY, DB_SQLITE, DB_POSTGRESQL):
        return True
    return name.startswith(MEDIA_PREFIX) and len(parts) >= 2


def blob_digest(relative: str) -> str | None:
    """The SHA-256 a content-addressed file's name promises (None for other files)."""
    found = _BLOB.search(relative)
    return found.group(1) if found else None


class _Hashing(io.RawIOBase):
    """Reads ``source`` through, counting bytes and hashing them."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.size += n
        return n


class ArchiveWriter:
    """Writes the members, then the manifest, into ``path`` (mode 0600)."""

    def __init__(self, path: Path, *, spool_dir: Path) -> None:
        self.path = path
        self.spool_dir = spool_dir
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._tar = tarfile.open(  # noqa: SIM115 - closed in finish() or abort()
            fileobj=self._file, mode="w|gz" if _gzip(path) else "w|"
        )
        self.members: list[Member] = []

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        return info

    def add_path(self, name: str, source: Path, *, kind: str) -> Member:
        """Add a file that does not change while it is read (a snapshot, the key)."""
        size = source.stat().st_size
        with source.open("rb") as handle:
            reader = _Hashing(handle)
            self._tar.addfile(self._info(name, size), io.BufferedReader(reader, CHUNK))
        if reader.size != size:
            raise OpsError(
                f"tệp {source} thay đổi trong khi sao lưu.", f"{source} changed while copied."
            )
        member = Member(name=name, size=size, sha256=reader.digest.hexdigest(), kind=kind)
        self.members.append(member)
        return member

    def add_live_file(self, name: str, source: Path, *, kind: str) -> Member | None:
        """Add a file that may be being written right now: read it once into a spool (the size
        and checksum in the header then match its bytes). A content-addressed file whose bytes
        do not match its name is an upload still being written, not referenced by the
        snapshot: it is left out (None)."""
        with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK, dir=str(self.spool_dir)) as spool:
            digest = hashlib.sha256()
            size = 0
            try:
                with source.open("rb") as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        spool.write(chunk)
                        size += len(chunk)
            except FileNotFoundError:
                return None
            sha = digest.hexdigest()
            promised = blob_digest(name)
            if promised is not None and promised != sha:
                return None
            spool.seek(0)
            self._tar.addfile(self._info(name, size), spool)
        member = Member(name=name, size=size, sha256=sha, kind=kind)
        self.members.append(member)
        return member

    def finish(self, manifest: Manifest) -> None:
        manifest.members = list(self.members)
        data = json.dumps(manifest.as_dict(), ensure_ascii=False, indent=1).encode()
        for name, payload in (
            (MANIFEST, data),
            (MANIFEST_SUM, f"{hashlib.sha256(data).hexdigest()}  {MANIFEST}\n".encode()),
        ):
            self._tar.addfile(self._info(name, len(payload)), io.BytesIO(payload))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):  # the partial file is deleted next
            self._tar.close()
        self._file.close()


# What reading a cut or damaged tar (or gzip) stream raises.
_READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError)


@contextmanager
def _members(path: Path) -> Iterator[Iterator[tuple[tarfile.TarInfo, IO[bytes] | None]]]:
    """Stream the archive's members; any damage turns into one refusal."""
    try:
        tar = tarfile.open(path, mode="r|*")  # noqa: SIM115 - closed below
    except FileNotFoundError as exc:
        raise OpsError(f"không thấy tệp sao lưu {path}.", f"backup file {path} not found.") from exc
    except _READ_ERRORS as exc:
        raise _damaged(str(exc) or type(exc).__name__) from exc

    def generate() -> Iterator[tuple[tarfile.TarInfo, IO[bytes] | None]]:
        for info in tar:
            yield info, (tar.extractfile(info) if info.isfile() else None)

    try:
        yield generate()
    except _READ_ERRORS as exc:
        raise _damaged(str(exc) or type(exc).__name__) from exc
    finally:
        tar.close()


def _copy(source: IO[bytes], sink: Callable[[bytes], object]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        sink(chunk)
    return size, digest.hexdigest()


def verify(path: Path) -> Manifest:  # noqa: PLR0912 - one branch per way to be damaged
    """Read the whole archive and check every member against the manifest. Writes nothing."""
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = b""
    manifest_sum = b""
    with _members(path) as members:
        for info, handle in members:
            name = info.name
            if not info.isfile() or handle is None or not valid_name(name):
                raise _damaged(f"unexpected member {name!r}")
            if name in seen or (name == MANIFEST and manifest_bytes):
                raise _damaged(f"member {name!r} appears twice")
            if name in (MANIFEST, MANIFEST_SUM):
                if info.size > MANIFEST_MAX:
                    raise _damaged("manifest too large")
                payload = handle.read()
                if name == MANIFEST:
                    manifest_bytes = payload
                else:
                    manifest_sum = payload
                continue
            if manifest_bytes:
                raise _damaged(f"member {name!r} after the manifest")
            seen[name] = _copy(handle, lambda _chunk: None)
    if not manifest_bytes or not manifest_sum:
        raise _damaged("no manifest: the archive was cut short")
    expected = manifest_sum.decode("ascii", "replace").split()[0] if manifest_sum.split() else ""
    if hashlib.sha256(manifest_bytes).hexdigest() != expected:
        raise _damaged("the manifest does not match its checksum")
    try:
        manifest = Manifest.from_dict(json.loads(manifest_bytes))
    except json.JSONDecodeError as exc:
        raise _damaged(f"unreadable manifest ({exc})") from exc
    listed = {m.name: m for m in manifest.members}
    for name, member in listed.items():
        if name not in seen:
            raise _damaged(f"{name} is missing")
        size, sha = seen[name]
        if size != member.size or sha != member.sha256:
            raise _damaged(f"{name} does not match its checksum")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise _damaged(f"{extra[0]} is not in the manifest")
    manifest.database_member  # noqa: B018 - raises when the snapshot is not named
    return manifest


def extract(path: Path, manifest: Manifest, *, place: Callable[[Member], Path | None]) -> None:
    """Write each member to ``place(member)`` (None: skip it), checking its checksum again as
    it is written (the file could have changed since :func:`verify`)."""
    listed = {m.name: m for m in manifest.members}
    with _members(path) as members:
        for info, handle in members:
            member = listed.get(info.name)
            if member is None or handle is None:
                continue
            target = place(member)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                size, sha = _copy(handle, out.write)
                out.flush()
                os.fsync(out.fileno())
            if size != member.size or sha != member.sha256:
                raise _damaged(f"{member.name} changed while it was restored")
