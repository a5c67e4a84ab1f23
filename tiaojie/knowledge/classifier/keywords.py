"""The keyword baseline: a label for every text whose words name it, in a fixed order of precedence.

This is the rule the trained model is measured against (about 64 % on the evaluation set); it is also the
fallback `suggest()` uses when no trained model is stored.
"""

from __future__ import annotations

from tiaojie.knowledge.classifier.labels import LABELS

# Order matters: the first label whose keyword occurs wins the baseline's single answer.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "work_injury": ("工伤", "伤残", "受伤", "停工留薪", "职业病", "工亡"),
    "no_written_contract": ("未签", "没签", "没有签", "不签", "书面劳动合同", "二倍工资", "双倍工资"),
    "overtime": ("加班",),
    "annual_leave": ("年休假", "年假", "带薪休假"),
    "social_insurance": ("社保", "社会保险", "养老保险", "医疗保险", "失业保险", "公积金", "五险"),
    "labour_relationship": ("劳动关系", "劳务关系", "雇佣关系"),
    "termination": ("辞退", "开除", "解除", "解雇", "裁员", "终止", "经济补偿", "赔偿金", "离职", "辞职"),
    "wage_arrears": ("工资", "欠薪", "薪水", "工钱", "拖欠", "克扣"),
}


def keyword_hits(text: str) -> dict[str, list[str]]:
    """For each label, the keywords of it found in the text (labels with none are left out)."""
    hits: dict[str, list[str]] = {}
    for label, words in KEYWORDS.items():
        found = [w for w in words if w in text]
        if found:
            hits[label] = found
    return hits


def keyword_label(text: str) -> str:
    hits = keyword_hits(text)
    return next((label for label in KEYWORDS if label in hits), "other")


assert set(KEYWORDS) < set(LABELS)
