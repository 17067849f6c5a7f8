"""Reading PDFs in tests as a person reads them: the text poppler's pdftotext lays out."""

import shutil
import subprocess
import tempfile

import pytest


def pdf_text(pdf: bytes) -> str:
    """The text of ``pdf`` laid out as on the page (``pdftotext -layout``)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: install Debian's poppler-utils (scripts/check does)")
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    done = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode("utf-8")


def pdf_fonts(pdf: bytes) -> str:
    """``pdffonts``' table of the fonts in ``pdf`` (name, type, embedded, ...)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        done = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True, timeout=60
        )
    return done.stdout.decode("utf-8")
