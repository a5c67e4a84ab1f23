"""The English catalogue is complete and its compiled .mo is current (docs/i18n.md).

Runs the project's own extraction (`tiaojie update_translations`' `extract`) into a temporary copy of the
committed catalogue, so a string added anywhere without its English fails here, not on a user's screen."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tiaojie.site.management.commands.update_translations import extract

LOCALE = Path(settings.LOCALE_PATHS[0])
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# %(name)s / %(n)d, a bare %s or %d, {name}: what the code fills in. `%%` is a literal percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (GNU gettext) is missing: run scripts/system-deps test"
    return path


def _entries_only(po_text: str) -> list[str]:
    """The msgids of a .po text (a long one spans lines after an empty first line), without the header."""
    found = re.findall(r'^msgid ((?:".*"\n)+)', po_text, flags=re.M)
    msgids = ["".join(re.findall(r'^"(.*)"$', block, flags=re.M)) for block in found]
    return [m for m in msgids if m]


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The committed catalogue merged with a fresh extraction of every msgid in code and templates."""
    tmp = tmp_path_factory.mktemp("locale")
    target = tmp / "en" / "LC_MESSAGES" / "django.po"
    target.parent.mkdir(parents=True)
    shutil.copy(PO, target)
    extract(tmp)
    return target


def test_every_msgid_has_an_english_translation(extracted):
    untranslated = subprocess.run(
        [_tool("msgattrib"), "--untranslated", "--no-wrap", str(extracted)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        [_tool("msgattrib"), "--only-fuzzy", "--no-wrap", str(extracted)], capture_output=True, text=True, check=True
    ).stdout
    assert _entries_only(untranslated) == [], "untranslated: run scripts/makemessages, then scripts/translations todo"
    assert _entries_only(fuzzy) == [], "fuzzy (a changed msgid): check the English and remove the fuzzy flag"


def test_the_extraction_finds_the_whole_interface(extracted):
    """Guards the extraction itself: an ignore pattern that skipped an app would make the test above vacuous."""
    count = len(_entries_only(extracted.read_text(encoding="utf-8")))
    assert count > 1800
    text = extracted.read_text(encoding="utf-8")
    for msgid in ("网上申请调解", "查询办理进度", "登记新案件", "劳动争议计算器", "工作人员登录"):
        assert f'msgid "{msgid}"' in text


def test_translations_keep_placeholders_and_are_english(extracted, tmp_path):
    mo = tmp_path / "django.mo"
    # msgfmt -c also checks the python-format entries' placeholders, and fails on a broken catalogue.
    subprocess.run([_tool("msgfmt"), "-c", "-o", str(mo), str(extracted)], check=True, capture_output=True)
    problems = []
    for key, english in _catalog(mo).items():
        if key == "":
            continue
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x00")[0]
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(english)):
            problems.append(f"placeholders differ: {msgid!r} -> {english!r}")
        # A copy of the Chinese, or Chinese left over: English has letters, and keeps Chinese only where the user
        # must type or will see that Chinese (a document number prefix like 西劳调, a value in an import file).
        if not re.search("[A-Za-z]", english) or not set(CJK.findall(english)) <= set(CJK.findall(msgid)):
            problems.append(f"not English: {msgid!r} -> {english!r}")
    assert problems == []


def test_the_committed_mo_is_a_compile_of_the_committed_po(tmp_path):
    """The .mo is committed (a machine without gettext still serves English): it must match the .po."""
    fresh = tmp_path / "django.mo"
    subprocess.run([_tool("msgfmt"), "-o", str(fresh), str(PO)], check=True)
    assert _catalog(MO) == _catalog(fresh), "run scripts/makemessages (it recompiles the .mo) and commit both"
