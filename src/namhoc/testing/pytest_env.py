"""Loaded by pytest before Django is configured (``-p namhoc.testing.pytest_env``).

It puts the settings in test mode and gives the run a data directory of its own, so that a test
run never reads or writes the developer's embedded database, secret key or uploaded files.
Under pytest-xdist each worker gets its own (the workers inherit the controller's environment,
and two workers sharing one folder of uploads would see each other's files).
"""

import os
import tempfile

os.environ["NAMHOC_ENV"] = "test"
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    os.environ["NAMHOC_DATA_DIR"] = tempfile.mkdtemp(prefix=f"namhoc-test-{_worker}-")
else:
    os.environ.setdefault("NAMHOC_DATA_DIR", tempfile.mkdtemp(prefix="namhoc-test-"))
