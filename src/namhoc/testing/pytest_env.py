"""Loaded by pytest before Django is configured (``-p namhoc.testing.pytest_env``).

It puts the settings in test mode and gives the run a data directory of its own, so that a test
run never reads or writes the developer's embedded database, secret key or uploaded files.
"""

import os
import tempfile

os.environ["NAMHOC_ENV"] = "test"
os.environ.setdefault("NAMHOC_DATA_DIR", tempfile.mkdtemp(prefix="namhoc-test-"))
