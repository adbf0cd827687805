import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from jepserve_process import JAR  # noqa: E402


def pytest_sessionstart(session):
    if not JAR.is_file():
        pytest.exit("target/jepserve.jar is missing: run bin/setup (or bin/test) first", returncode=2)
