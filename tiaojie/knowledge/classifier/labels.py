"""The nine dispute types the classifier suggests, their Chinese names and the claim types each maps onto.

The labels are those of the evaluation set the project measures on (nine primary labels of labour questions);
the mapping onto `cases.ClaimType` values is ours: a suggestion proposes these claim items for staff to
confirm or correct. Kept as plain strings so this layer does not import cases.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS: tuple[str, ...] = (
    "wage_arrears",
    "overtime",
    "social_insurance",
    "termination",
    "no_written_contract",
    "work_injury",
    "labour_relationship",
    "annual_leave",
    "other",
)

LABEL_NAMES = {
    "wage_arrears": _("拖欠工资"),
    "overtime": _("加班费"),
    "social_insurance": _("社会保险"),
    "termination": _("解除或终止劳动合同"),
    "no_written_contract": _("未签书面劳动合同"),
    "work_injury": _("工伤"),
    "labour_relationship": _("确认劳动关系"),
    "annual_leave": _("年休假"),
    "other": _("其他"),
}

# cases.ClaimType values (as strings) that a label suggests, most likely first.
CLAIM_TYPES: dict[str, tuple[str, ...]] = {
    "wage_arrears": ("wages",),
    "overtime": ("overtime",),
    "social_insurance": ("social_insurance",),
    "termination": ("compensation", "unlawful_termination", "notice_pay"),
    "no_written_contract": ("double_wage",),
    "work_injury": ("work_injury",),
    "labour_relationship": ("labour_relationship",),
    "annual_leave": ("annual_leave",),
    "other": ("other",),
}
