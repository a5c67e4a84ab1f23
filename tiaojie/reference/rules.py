"""Provincial rules as data, the national rule as the default (docs/law.md §3).

`rule_for(province, key, on_date)` answers with the row of `ProvincialRule` for that province and rule in force
on that day, else the national row (province empty) in force that day, else the built-in national default
below (so a table emptied by mistake still gives the national rule, never an error in the middle of a case).

The table is small and read on every acceptance and extension, so each process caches it with the number of
`ProvincialRuleRevision` it was built from and checks that number (one primary-key lookup) on every use, as the
holiday calendar does: an edit in the admin is seen by every process on its next lookup.

The seeded bases are whole Chinese literals marked with gettext_noop, so a page shows them in its reader's
language (`|translate_stored`); a basis an administrator rewrites is shown as written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps.registry import Apps
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaojie.lib.request_memo import ScalarMemo
from tiaojie.lib.request_memo import forget as per_request_forget
from tiaojie.reference.models import ProvincialRule, ProvincialRuleRevision

Key = ProvincialRule.Key
Start = ProvincialRule.Start

NATIONAL = ""
ZHEJIANG = "33"

# The instruments, as cited in the rows and printed in documents.
ORDER_17 = "《企业劳动争议协商调解规定》（人社部令第17号）"
ZHEJIANG_REGULATION = "《浙江省劳动人事争议调解仲裁条例》"

# 17号令 is not among the project's texts: the period and its start come from a secondary source. The article
# number the acceptance notice used to print (第二十六条) could not be checked, so the rows name no article.
NATIONAL_CLOCK_B_BASIS = gettext_noop(
    "《企业劳动争议协商调解规定》（人社部令第17号）：自受理之日起15日内结束调解，双方同意的可以延长"
)
# No text was found for the "up to 15 days" an earlier version applied: nationally there is no cap, and a
# province or an administrator that finds one enters it as a row.
NATIONAL_EXTENSION_CAP_BASIS = gettext_noop(
    "《企业劳动争议协商调解规定》（人社部令第17号）：双方同意的可以延长调解期限；未找到限制延长天数的规定，"
    "不设上限〔待核对原文〕"
)
# 浙江条例 art 10 para 2, read in the 2020 text (docs/law.md §12).
ZHEJIANG_CLOCK_B_BASIS = gettext_noop(
    "《浙江省劳动人事争议调解仲裁条例》第十条第二款：劳动人事争议调解组织收到调解申请后，应当予以登记，"
    "及时组织调解，并自收到调解申请之日起十五日内结束调解，但双方当事人同意延期的除外"
)
ZHEJIANG_EXTENSION_CAP_BASIS = gettext_noop(
    "《浙江省劳动人事争议调解仲裁条例》第十条第二款：双方当事人同意延期的除外，未限制延期的天数"
)
ZHEJIANG_IN_FORCE_FROM = dt.date(2016, 1, 1)  # 浙江条例 art 48


@dataclass(frozen=True)
class Rule:
    key: str
    value: str
    instrument: str
    article: str
    basis: str
    unconfirmed: bool
    province: str = NATIONAL  # the row's province; empty for a national row
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None

    @property
    def number(self) -> int | None:
        """The value as a whole number of days; None when empty (no cap)."""
        return int(self.value) if self.value else None

    @property
    def citation(self) -> str:
        """Instrument and article, as a document prints them: 《浙江省劳动人事争议调解仲裁条例》第十条第二款."""
        return f"{self.instrument}{self.article}"

    def in_force_on(self, day: dt.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to
        )


# The rows the data migration seeds; the national ones are also the built-in fallback.
SEED: tuple[Rule, ...] = (
    Rule(Key.CLOCK_B_START, Start.ACCEPTANCE, ORDER_17, "", NATIONAL_CLOCK_B_BASIS, True),
    Rule(Key.CLOCK_B_DAYS, "15", ORDER_17, "", NATIONAL_CLOCK_B_BASIS, True),
    Rule(Key.CLOCK_B_EXTENSION_MAX_DAYS, "", ORDER_17, "", NATIONAL_EXTENSION_CAP_BASIS, True),
    Rule(
        Key.CLOCK_B_START, Start.RECEIPT, ZHEJIANG_REGULATION, "第十条第二款", ZHEJIANG_CLOCK_B_BASIS, False,
        ZHEJIANG, ZHEJIANG_IN_FORCE_FROM,
    ),
    Rule(
        Key.CLOCK_B_DAYS, "15", ZHEJIANG_REGULATION, "第十条第二款", ZHEJIANG_CLOCK_B_BASIS, False,
        ZHEJIANG, ZHEJIANG_IN_FORCE_FROM,
    ),
    Rule(
        Key.CLOCK_B_EXTENSION_MAX_DAYS, "", ZHEJIANG_REGULATION, "第十条第二款", ZHEJIANG_EXTENSION_CAP_BASIS, False,
        ZHEJIANG, ZHEJIANG_IN_FORCE_FROM,
    ),
)  # fmt: skip

NATIONAL_DEFAULTS = {r.key: r for r in SEED if r.province == NATIONAL}

# Bounds on the values an administrator may enter (a typo guard, not law).
MAX_PERIOD_DAYS = 365


def value_error(key: str, value: str) -> str | None:
    """Why `value` is not a valid value for rule `key`, or None."""
    if key == Key.CLOCK_B_START:
        if value not in Start.values:
            return _("起算日应为 acceptance（受理）或 receipt（收到申请）")
        return None
    if key == Key.CLOCK_B_EXTENSION_MAX_DAYS and value == "":
        return None
    if key in (Key.CLOCK_B_DAYS, Key.CLOCK_B_EXTENSION_MAX_DAYS):
        if not value.isdigit() or not 1 <= int(value) <= MAX_PERIOD_DAYS:
            return _("天数应为1到%(max)d之间的整数") % {"max": MAX_PERIOD_DAYS}
        return None
    return _("未知的规则")


# --- the cached table ------------------------------------------------------------------------------------------

_cache: dict[str, tuple[int, dict[tuple[str, str], list[Rule]]]] = {}


# The table's revision number (0 before the first edit), one scalar so a page's key reads it with the others.
REVISION = ScalarMemo(
    "rules.revision",
    (f"SELECT revision FROM {ProvincialRuleRevision._meta.db_table} WHERE id = 1",),  # noqa: S608 - a table name
    lambda revision: revision or 0,
)


def current_revision() -> int:
    return REVISION.load()


def bump_revision() -> None:
    forget_revision()
    if not ProvincialRuleRevision.objects.filter(pk=1).update(revision=F("revision") + 1):
        ProvincialRuleRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


def _build() -> dict[tuple[str, str], list[Rule]]:
    table: dict[tuple[str, str], list[Rule]] = {}
    for row in ProvincialRule.objects.order_by("in_force_from"):
        rule = Rule(
            key=row.key,
            value=row.value,
            instrument=row.instrument,
            article=row.article,
            basis=row.basis,
            unconfirmed=row.unconfirmed,
            province=row.province,
            in_force_from=row.in_force_from,
            in_force_to=row.in_force_to,
        )
        table.setdefault((row.province, row.key), []).append(rule)
    return table


def forget_revision(**_: object) -> None:
    per_request_forget(REVISION.name)


def revision() -> int:
    """The table's revision as this request reads it (once per request): a key part for what is rendered from
    the table and kept (cases.page_cache)."""
    return _revision()


def _revision() -> int:
    # Read once per request (a page asks for several rules); outside a request, every time (lib/request_memo.py).
    return REVISION.read()


def _table() -> dict[tuple[str, str], list[Rule]]:
    revision = _revision()
    cached = _cache.get("rules")
    if cached is not None and cached[0] == revision:
        return cached[1]
    table = _build()
    _cache["rules"] = (revision, table)
    return table


def clear_rules_cache() -> None:
    _cache.clear()


def province_of(division_code: str | None) -> str:
    """The province of a division code (its first two digits); empty for none."""
    return (division_code or "")[:2]


def rule_for(province: str | None, key: str, on_date: dt.date) -> Rule:
    """The rule `key` for `province` (a province code, or any division code: its first two digits count) in
    force on `on_date`: the province's row in force that day, else the national row, else the built-in
    national default."""
    table = _table()
    for where in dict.fromkeys((province_of(province), NATIONAL)):
        for rule in table.get((where, key), ()):
            if rule.in_force_on(on_date):
                return rule
    return NATIONAL_DEFAULTS[key]


@receiver(post_save, sender=ProvincialRule)
@receiver(post_delete, sender=ProvincialRule)
def _rules_changed(**kwargs: object) -> None:
    # As reference.calendar does: every process sees the new revision; this one drops its copy at once.
    if kwargs.get("raw"):
        return
    clear_rules_cache()
    transaction.on_commit(clear_rules_cache)
    bump_revision()


def seed_provincial_rules(apps: Apps | None = None, schema_editor: object = None) -> int:
    """Insert the seeded rows not yet present (same province, rule and start of force); return how many were
    added. Used by the data migration and by the test suite's reference-data reload. Idempotent."""
    model = apps.get_model("reference", "ProvincialRule") if apps else ProvincialRule
    added = 0
    for rule in SEED:
        _, created = model.objects.get_or_create(
            province=rule.province,
            key=str(rule.key),
            in_force_from=rule.in_force_from,
            defaults={
                "value": str(rule.value),
                "instrument": rule.instrument,
                "article": rule.article,
                "basis": rule.basis,
                "unconfirmed": rule.unconfirmed,
                "in_force_to": rule.in_force_to,
            },
        )
        added += created
    return added
