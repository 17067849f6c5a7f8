"""PDF documents from templates, with WeasyPrint.

A printed template is self-contained: its stylesheet is inline (``templates/print/``), its
charts are inline SVG and its fonts come from the system (Debian's ``fonts-noto-cjk``, which
``scripts/check`` and ``scripts/serve`` install; the fonts used are embedded in the PDF).
So the renderer fetches nothing: any URL in a document is refused, and no text in a
document can make the server reach out.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

PDF = "application/pdf"


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    """The template rendered in the active language, as PDF bytes."""
    # WeasyPrint loads Pango, HarfBuzz and fontconfig when imported (about a second): only
    # the requests that print pay for it, not every process that imports this module.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context, request=request)
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A download of ``pdf`` named ``filename``."""
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(pdf))
    return response
