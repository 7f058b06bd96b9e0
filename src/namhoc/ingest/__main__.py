"""``python -m namhoc.ingest FILE...``."""

import sys

from namhoc.ingest.command import main

sys.exit(main())
