"""A background worker whose reads never finish, for the test that kills a worker mid-read.

It is ``namhoc manage db_worker`` (arguments passed through) with the reader replaced by one that
writes this process's id to ``$NAMHOC_TEST_READING_MARKER`` and then waits to be killed: a read
that is deterministically "in progress" when the test sends SIGKILL.
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")

import django

django.setup()

import namhoc.ingest  # noqa: E402
from namhoc.cli import main  # noqa: E402


def _hang(*args: object, **kwargs: object) -> object:
    Path(os.environ["NAMHOC_TEST_READING_MARKER"]).write_text(str(os.getpid()))
    time.sleep(3600)
    raise SystemExit(1)


namhoc.ingest.read_document = _hang  # type: ignore[assignment]
sys.exit(main(["manage", "db_worker", *sys.argv[1:]]))
