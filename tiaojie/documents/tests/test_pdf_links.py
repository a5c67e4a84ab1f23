"""A citation printed in a PDF document opens its article in the law library when the PDF is read on a screen,
and prints exactly as before (issue 15 item 2; knowledge/templatetags/law_links.py)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tiaojie.documents.tests.kind_fixtures import bj, declined_case, dump, issue, pdf_text
from tiaojie.knowledge.tests.test_citations_resolve import build_full_library
from tiaojie.lib.uploads import existing_file

pytestmark = pytest.mark.django_db


def links_of(pdf: bytes) -> list[str]:
    uris = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/URI"):
                uris.append(str(action["/URI"]))
    return uris


def decline_pdf(org, user) -> bytes:
    case = declined_case(org, user, received_at=bj(2026, 3, 2, 10, 0), reason="不属于劳动争议")
    version = issue(case, "decline", user).versions.get()
    path = existing_file(version.pdf_path)
    assert path is not None
    return path.read_bytes()


def test_a_cited_article_is_a_link_to_the_library_and_the_text_is_unchanged(settings, org_a, mediator_a, tmp_path):
    settings.PUBLIC_BASE_URL = "https://tiaojie.example.gov.cn"
    unlinked = decline_pdf(org_a, mediator_a)  # no library yet: every citation is plain text
    assert links_of(unlinked) == []
    build_full_library()
    linked = decline_pdf(org_a, mediator_a)
    dump(linked, "pdf")
    uris = links_of(linked)
    assert any(uri.startswith("https://tiaojie.example.gov.cn/laws/") and "/articles/27/" in uri for uri in uris), uris
    # The printed words are the same with and without the links.
    for pdf in (linked, unlinked):
        assert "（《劳动争议调解仲裁法》第二十七条）" in pdf_text(pdf, tmp_path).replace("\n", "")
