import os
import shutil
import tempfile

import pytest

import libreoffice as lo

_SESSION_CACHE = None


def pytest_configure(config):
    """The parse cache of everything the suite runs (session fixtures, child processes included) goes
    to a temporary folder, never to the user's cache folder."""
    global _SESSION_CACHE
    _SESSION_CACHE = tempfile.mkdtemp(prefix="xltools-cache-")
    os.environ["XLTOOLS_CACHE_DIR"] = _SESSION_CACHE
    os.environ.pop("XLTOOLS_NO_CACHE", None)


def pytest_unconfigure(config):
    if _SESSION_CACHE:
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def parse_cache(tmp_path_factory, monkeypatch):
    """Each test starts with an empty parse cache of its own (the folder it names)."""
    folder = tmp_path_factory.mktemp("xltools-cache")
    monkeypatch.setenv("XLTOOLS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def libreoffice():
    """LibreOffice headless; CI installs it (.ci/run), so there a missing soffice is a failure."""
    if lo.soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc and libreoffice-writer")
        pytest.skip("LibreOffice (soffice) is not installed")
    return lo
