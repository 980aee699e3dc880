import os

import pytest

import libreoffice as lo


@pytest.fixture(scope="session")
def libreoffice():
    """LibreOffice headless; CI installs it (.ci/run), so there a missing soffice is a failure."""
    if lo.soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc and libreoffice-writer")
        pytest.skip("LibreOffice (soffice) is not installed")
    return lo
