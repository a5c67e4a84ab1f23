"""Rules as data for the library's imports (docs/knowledge.md, docs/law.md §14): which level a text has, from
its folder or its package row, the corrections for texts a source files under the wrong level, and which
national laws the demo imports.

The levels are those of 《立法法》 (2023) arts 99–102 (law above administrative regulation above local
regulation and rule), plus judicial interpretations and normative documents, which mediators cite beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_noop

from tiaojie.knowledge.models import LawText, Level

# The first folder of a LawRefBook path that names a level. The law folders are the seven branches of law the
# repository files national laws under; any other folder is refused (the import lists it as a problem).
FOLDER_LEVELS: dict[str, str] = {
    "宪法": Level.LAW,
    "宪法相关法": Level.LAW,
    "民法典": Level.LAW,
    "民法商法": Level.LAW,
    "行政法": Level.LAW,
    "经济法": Level.LAW,
    "社会法": Level.LAW,
    "刑法": Level.LAW,
    "诉讼与非诉讼程序法": Level.LAW,
    "行政法规": Level.ADMINISTRATIVE_REGULATION,
    "部门规章": Level.DEPARTMENTAL_RULE,
    "司法解释": Level.JUDICIAL_INTERPRETATION,
    "地方性法规": Level.LOCAL_REGULATION,
}


@dataclass(frozen=True)
class LevelCorrection:
    level: str
    issuing_body: str
    basis: str


# Texts the source files under the wrong level, keyed by title. Each basis names what the text itself shows
# (its document number, who issued it): a ministry's 发〔〕 document is a normative document, not a regulation
# of the State Council (立法法 arts 72, 91) nor a rule made by 部令.
LEVEL_CORRECTIONS: dict[str, LevelCorrection] = {
    "工资支付暂行规定": LevelCorrection(
        Level.NORMATIVE_DOCUMENT,
        "劳动部",
        gettext_noop("原劳动部以劳部发〔1994〕489号通知印发，属部门规范性文件，不是行政法规（来源目录有误）"),
    ),
    "国家机关、事业单位贯彻《国务院关于职工工作时间的规定》的实施办法": LevelCorrection(
        Level.NORMATIVE_DOCUMENT,
        "人事部",
        gettext_noop("原人事部以人薪发〔1995〕32号通知印发，属部门规范性文件，不是行政法规（来源目录有误）"),
    ),
    "关于职工全年月平均工作时间和工资折算问题的通知": LevelCorrection(
        Level.NORMATIVE_DOCUMENT,
        "劳动和社会保障部",
        gettext_noop("劳社部发〔2008〕3号通知，属部门规范性文件，不是部门规章（来源目录有误）"),
    ),
}

# The package's doc_type and status columns. Its constitution, laws, legislative interpretations (same force as
# law, 立法法 art 53), amendments and amending decisions are all of the level of law here: the library's levels
# sort texts for a mediator, and nothing a mediator cites ranks between the constitution and a law.
NATIONAL_DOC_TYPES = {"宪法", "法律", "立法解释", "修正案", "修改决定"}
NATIONAL_STATUSES: dict[str, str] = {
    "现行有效": LawText.Status.IN_FORCE,
    "已被修改": LawText.Status.AMENDED,
    "已废止": LawText.Status.REPEALED,
    # An older text of a law whose current text the package also holds: a version, not a status of the work.
    "历史版本": LawText.Status.IN_FORCE,
}

# What `make run`'s demo imports from the package: the national laws a labour mediator cites (the full titles,
# as the package names them).
LABOUR_NATIONAL_LAWS: tuple[str, ...] = tuple(
    "中华人民共和国" + name
    for name in (
        "劳动合同法",
        "劳动法",
        "劳动争议调解仲裁法",
        "民法典",
        "民事诉讼法",
        "社会保险法",
        "工会法",
        "人民调解法",
        "就业促进法",
        "安全生产法",
        "职业病防治法",
        "妇女权益保障法",
        "残疾人保障法",
        "未成年人保护法",
        "仲裁法",
        "法律援助法",
        "个人信息保护法",
        "矿山安全法",
        "企业破产法",
    )
)

# The few regulations, rules and interpretations the code cites that the package lacks, committed in the
# repository (tiaojie/knowledge/data/laws/README.md): LawRefBook/Laws texts, unchanged, at this commit. The demo
# and the citation test import them.
BUNDLED_LAWS_DIR = Path(__file__).resolve().parent / "data" / "laws"
BUNDLED_LAWS_COMMIT = "2f4c5c2"

# Texts the code cites that no source the project uses holds (not in the package, not in LawRefBook/Laws at
# that commit): their citations are shown without a link. tests/test_citations_resolve.py checks that each is
# still absent from the library, so an entry goes when its text arrives (then its citations must resolve).
TEXTS_NOT_HELD: dict[str, str] = {
    "违反和解除劳动合同的经济补偿办法": "劳部发〔1994〕481号, repealed 2017; not in LawRefBook/Laws",
    "关于贯彻执行〈中华人民共和国劳动法〉若干问题的意见": "劳部发〔1995〕309号; not in LawRefBook/Laws",
    "企业职工患病或非因工负伤医疗期规定": "劳部发〔1994〕479号; not in LawRefBook/Laws",
    "企业劳动争议协商调解规定": "人社部令第17号; a known gap of LawRefBook/Laws",
    "劳动人事争议仲裁办案规则": "人社部令第33号; a known gap of LawRefBook/Laws",
    "全国年节及纪念日放假办法": "国务院令 (2024 revision); not in LawRefBook/Laws at 2f4c5c2",
}
