"""Cases, their parties, claim items and events.

Case states (docs/case-states.md; the table of allowed moves is `tiaojie.cases.transitions.TRANSITIONS`):
    received  已收到申请      the organisation holds the application; clock A runs from here
    negotiating 协商中        the parties negotiate first (企业劳动争议协商调解规定); clock A keeps running
    settled   已和解          a written settlement (和解协议) awaits performance
    accepted  已受理          accepted within 3 working days; clock B runs from here
    declined  不予受理        refused with a reason and a written notice
    mediating 调解中          mediation sessions under way
    agreed    已达成协议      an agreement was signed
    failed    调解不成        refused, no agreement in time, or one side withdrew its consent
    withdrawn 已撤回          the applicant withdrew the application
    closed    已结案          nothing left to do
Only `do_transition_case` assigns `status`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import id_number_sex, mask_id_number, mask_phone
from tiaojie.lib.workdays import Deadline
from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.models import Division


class Worker(models.Model):
    """A worker who is a party to one or more cases. ID and phone numbers are encrypted at rest; the
    `*_index` columns are keyed hashes for exact lookup and the `*_masked` columns serve every list."""

    # Indexed for the case list's search box (cases.queries.search_cases): a name is looked up exactly.
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))], blank=True)
    id_number_encrypted = models.TextField(blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("手机号码"), max_length=11, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, number: str) -> None:
        """`number` must already be validated (tiaojie.lib.idnumbers.validate_id_number)."""
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_index = crypto.blind_index("id", number)
        self.id_number_masked = mask_id_number(number)
        self.sex = id_number_sex(number)

    def set_phone(self, number: str) -> None:
        self.phone_encrypted = crypto.encrypt(number)
        self.phone_index = crypto.blind_index("phone", number)
        self.phone_masked = mask_phone(number)

    def reveal(self, field: str) -> str:
        """The full value. Callers go through cases.actions.do_reveal_worker_field, which logs it."""
        token = {"id_number": self.id_number_encrypted, "phone": self.phone_encrypted}[field]
        return crypto.decrypt(token) if token else ""


class Status(models.TextChoices):
    RECEIVED = "received", _("已收到申请")
    NEGOTIATING = "negotiating", _("协商中")
    SETTLED = "settled", _("已和解")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("已达成协议")
    FAILED = "failed", _("调解不成")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已结案")


OPEN_STATUSES = (Status.RECEIVED, Status.NEGOTIATING, Status.ACCEPTED, Status.MEDIATING)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    HOTLINE = "hotline", _("12351热线")
    STATION = "station", _("工会服务站点")
    WALK_IN = "walk_in", _("现场申请")
    REFERRAL = "referral", _("仲裁院或法院委派")


class ClaimType(models.TextChoices):
    """Claim items (docs/law.md §4, §10)."""

    WAGES = "wages", _("劳动报酬")
    OVERTIME = "overtime", _("加班费")
    COMPENSATION = "compensation", _("经济补偿")
    UNLAWFUL_TERMINATION = "unlawful_termination", _("违法解除赔偿金")
    DOUBLE_WAGE = "double_wage", _("未签劳动合同二倍工资")
    ANNUAL_LEAVE = "annual_leave", _("未休年休假工资")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    WORK_INJURY = "work_injury", _("工伤待遇")
    LABOUR_RELATIONSHIP = "labour_relationship", _("确认劳动关系")
    NOTICE_PAY = "notice_pay", _("代通知金")
    OTHER = "other", _("其他")


def format_case_number(prefix: str, year: int, seq: int) -> str:
    """仓调〔2026〕12号: the organisation's 代字, the year in 六角括号 (GB/T 9704's 发文字号 form), the sequence."""
    return f"{prefix or '调'}〔{year}〕{seq}号"


def new_state_version() -> str:
    return secrets.token_hex(8)


class Case(models.Model):
    # The human-readable number (案号) the organisation, the parties and the documents use: allocated at
    # creation from CaseNumberCounter, per organisation and the Beijing year of receipt, and stored as written
    # then, so a later change of the organisation's 代字 leaves issued numbers as the parties know them.
    number = models.CharField(_("案件编号"), max_length=40, blank=True, db_index=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    # The organisation whose counter issued the number. A case re-routed to another organisation keeps its
    # number (the parties and the referral already know it), so uniqueness is per issuer, not per holder.
    numbered_by = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="cases", verbose_name=_("受理组织"))
    # Denormalised from the organisation so a supervisor's subtree is one index range on the case table.
    division = models.ForeignKey(Division, models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    employer = models.ForeignKey(Employer, models.PROTECT, related_name="cases", verbose_name=_("用人单位"))
    workers = models.ManyToManyField(Worker, through="CaseWorker", related_name="cases")
    worker_count = models.PositiveIntegerField(_("涉及劳动者人数"), default=1)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    # The applicant chose to negotiate with the employer first (offered for small and micro employers).
    negotiation_first = models.BooleanField(_("先行协商"), default=False)
    # The language the worker applied in on the public form ("en" or "zh-hans"): the SMS to the worker about
    # this case are written in it, whoever's action sends them (notifications.actions.sms_language). Cases
    # registered by staff keep Chinese.
    language = models.CharField(_("语言"), max_length=7, default="zh-hans")
    facts = models.TextField(_("事实和理由"))
    received_at = models.DateTimeField(_("收到申请时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # Last days of the periods (Beijing dates; each ends at 24:00). Stored so lists can filter overdue cases
    # with an index; `*_uncertain` is set when counting looked past the configured holiday years.
    # The Beijing day the acceptance period counts from: the day of receipt, or the day the case came back from
    # negotiation (Effect.RESTART_ACCEPTANCE). Stored so the period can be counted again when a holiday year is
    # entered (cases.deadlines); migration 0011 filled it for older cases from their events.
    acceptance_from = models.DateField(_("受理期限起算日"))
    acceptance_due = models.DateField(_("受理期限"))
    acceptance_due_uncertain = models.BooleanField(default=False)
    clock_a_due = models.DateField(_("申请仲裁前的调解期限"))
    clock_a_due_uncertain = models.BooleanField(default=False)
    clock_b_due = models.DateField(_("调解期限"), null=True, blank=True)
    clock_b_due_uncertain = models.BooleanField(default=False)
    clock_b_extension_days = models.PositiveSmallIntegerField(default=0)  # the sum of clock_b_extensions
    # The terms clock B was counted on, fixed at acceptance from the provincial rule in force for the case's
    # organisation (reference.rules, docs/law.md §3): whether it runs from receipt or from acceptance, its days,
    # the rule's basis, and each agreed extension's days in order, each running on from the end of the period
    # before (cases.clock_b). A later change of the rule leaves them as they are. Empty on cases accepted before
    # the rule table existed: those ran 15 days (and their extensions) from acceptance (clock_b.stored_terms).
    clock_b_from = models.CharField(_("调解期限起算"), max_length=10, blank=True)  # reference ProvincialRule.Start
    clock_b_days = models.PositiveSmallIntegerField(_("调解期限天数"), null=True, blank=True)
    clock_b_basis = models.TextField(_("调解期限依据"), blank=True)
    clock_b_extensions = models.JSONField(_("各次延长天数"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # Changed (to a new random value) with every CaseEvent written, in the writing transaction: the key of what
    # the case page caches of the case (cases.state), so a cached entry of an earlier state is never read again.
    state_version = models.CharField(max_length=16, default=new_state_version, editable=False)
    # Set once, by cases.retention.do_anonymise_case, when the retention period after the end passed and the
    # case's personal data was removed (docs/privacy.md); the statistics fields stay as they were.
    anonymised_at = models.DateTimeField(_("个人信息匿名化时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            # Keyset paging: newest first within an organisation, and within a division range.
            models.Index(fields=["organisation", "-received_at", "-id"], name="case_org_recv"),
            models.Index(fields=["division", "-received_at", "-id"], name="case_div_recv"),
            models.Index(fields=["-received_at", "-id"], name="case_recv"),
            models.Index(fields=["organisation", "status", "clock_a_due"], name="case_org_status_due"),
            # The search box's "2026年12号" (cases.queries.search_cases), in any scope.
            models.Index(fields=["number_year", "number_seq"], name="case_number_seq_h5"),
            # The retention job's daily sweep (cases.retention): ended or closed cases not yet anonymised, by the
            # moment their period started. Partial, so anonymised cases drop out of it.
            models.Index(
                fields=["closed_at"],
                name="case_retention_closed",
                condition=models.Q(status="closed", anonymised_at__isnull=True),
            ),
            models.Index(
                fields=["ended_at"],
                name="case_retention_ended",
                condition=models.Q(status__in=["declined", "failed", "withdrawn"], anonymised_at__isnull=True),
            ),
        ]
        constraints = [
            # The backstop under the counter: two cases can never share a number in one organisation and year.
            models.UniqueConstraint(
                fields=["numbered_by", "number_year", "number_seq"],
                condition=models.Q(number_seq__isnull=False),
                name="case_number_unique_h5",
            ),
            models.CheckConstraint(condition=models.Q(worker_count__gte=1), name="case_has_worker"),
            # There is no cap in the database: a cap on agreed extensions is a provincial rule (reference.rules,
            # 待核对 nationally), checked by do_extend_clock_b. Only an accepted case has a clock B to extend.
            models.CheckConstraint(
                condition=models.Q(clock_b_extension_days=0) | models.Q(accepted_at__isnull=False),
                name="clock_b_extension_needs_acceptance_h2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.employer}"

    @property
    def display_number(self) -> str:
        """What every page, document, SMS and export calls the case: its 案号 (仓调〔2026〕12号)."""
        return self.number or f"#{self.pk}"

    @property
    def is_collective(self) -> bool:
        """Ten or more workers with a common claim (调解仲裁法 art 7)."""
        return self.worker_count >= 10

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def acceptance_deadline(self) -> Deadline:
        return Deadline(self.acceptance_due, self.acceptance_due_uncertain)

    @property
    def clock_a_deadline(self) -> Deadline:
        return Deadline(self.clock_a_due, self.clock_a_due_uncertain)

    @property
    def clock_b_deadline(self) -> Deadline | None:
        if self.clock_b_due is None:
            return None
        return Deadline(self.clock_b_due, self.clock_b_due_uncertain)


class CaseNumberCounter(models.Model):
    """The last sequence number issued per organisation and year (cases.actions.allocate_case_number). One row
    per pair, incremented with an UPDATE that locks it, so concurrent registrations queue on it and each gets
    the next number; the first case of a year creates it."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_case_counter_per_year_h5")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


def overdue_q(today: dt.date) -> models.Q:
    """Open cases past a deadline (docs/law.md §10): acceptance not decided in time, or clock A or B passed."""
    return (
        models.Q(status=Status.RECEIVED, acceptance_due__lt=today)
        | models.Q(status__in=OPEN_STATUSES, clock_a_due__lt=today)
        | models.Q(status__in=OPEN_STATUSES, clock_b_due__lt=today)
    )


class CaseWorker(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="case_workers")
    worker = models.ForeignKey(Worker, models.PROTECT, related_name="case_links")
    is_representative = models.BooleanField(_("代表人"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "worker"], name="worker_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.worker_id}"


class ClaimItem(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="claims")
    type = models.CharField(_("请求事项"), max_length=24, choices=ClaimType.choices)
    amount_claimed = models.DecimalField(_("请求金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    # Where the one-year arbitration limitation of this claim starts (调解仲裁法 art 27 ¶1); empty when nobody has
    # said, and the claim is then counted as in time on the day of the application (mediation/limitation.py).
    known_on = models.DateField(_("知道或者应当知道权利被侵害之日"), null=True, blank=True)
    # How the amount was reached, e.g. a calculator's steps [{"text", "value", "basis"}], shown beside it.
    explanation = models.JSONField(_("计算过程"), default=list, blank=True)

    class Meta:
        verbose_name = _("请求事项")
        verbose_name_plural = _("请求事项")
        indexes = [models.Index(fields=["type", "case"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_claimed__isnull=True) | models.Q(amount_claimed__gte=0),
                name="claim_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.get_type_display()


class CaseEvent(models.Model):
    """Append-only history of a case: every transition, re-route and note, with who and why.

    The `at` of the "created" event is when the claim was asserted, which interrupts the arbitration
    limitation (调解仲裁法 art 27 para 2): workers may need to prove it later."""

    class Kind(models.TextChoices):
        CREATED = "created", _("收到申请")
        TRANSITION = "transition", _("状态变更")
        CLAIM_ADDED = "claim_added", _("增加请求事项")
        CLAIM_EDITED = "claim_edited", _("修改请求事项")
        CLAIM_REMOVED = "claim_removed", _("删除请求事项")
        ROUTED = "routed", _("分派调解组织")
        REROUTED = "rerouted", _("转交其他调解组织")
        DUPLICATE = "duplicate", _("收到重复申请")
        EVIDENCE = "evidence", _("提交证据材料")
        CLOCK_B_EXTENDED = "clock_b_extended", _("延长调解期限")
        DOCUMENT = "document", _("出具文书")
        SERVICE = "service", _("送达文书")
        NOTE = "note", _("备注")
        ANONYMISED = "anonymised", _("个人信息匿名化")
        # A deadline stored as uncertain was counted again when its holiday year was entered (docs/law.md §6).
        DEADLINE_RECOUNTED = "recounted", _("重新计算期限")
        # Staff confirmed or corrected the dispute type the system suggested (DisputeTypeSuggestion).
        DISPUTE_TYPE_CONFIRMED = "dispute_type", _("确认争议类型")

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=50, blank=True)  # "system", "api", "applicant" when no user
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    reason = models.TextField(blank=True)
    basis = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.from_status}->{self.to_status}"

    @property
    def actor_display(self) -> str:
        """Who acted, as the timeline and the hand-off package say it. `actor_label` holds a key when no user
        acted ("applicant", "api", …); the timeline used to print the key itself (issue 13 item 10). Labels
        already written in Chinese (the rating party, the employer's link) pass through."""
        if self.actor_id is not None:
            return str(self.actor)
        label = ACTOR_LABELS.get(self.actor_label or "system")
        return str(label) if label is not None else self.actor_label


# The keys actions store in CaseEvent.actor_label when no user acted (cases.actions.Actor.label).
ACTOR_LABELS = {
    "system": _("系统"),
    "applicant": _("申请人（在线）"),
    "api": _("接口"),
    "demo": _("演示数据"),
    "agreement": _("系统"),
}


class DisputeTypeSuggestion(models.Model):
    """The classifier's advice on what kind of dispute a case is (docs/knowledge.md, "Suggestions at intake"),
    kept apart from the recorded facts and claims: nothing here ever becomes a claim item or changes the facts
    unless a person confirms it (cases.actions.do_confirm_dispute_types).

    One row per case; a new computation replaces it (latest wins). Only a hash of the text is kept: the text is
    the case's facts, which retention anonymises in place (docs/privacy.md), and the hash tells whether a
    suggestion was computed from the facts as they stand."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="dispute_type_suggestion")
    text_sha256 = models.CharField(max_length=64)
    model_version = models.CharField(_("模型版本"), max_length=64)
    # [{"label": "work_injury", "score": 0.8, "words": ["工伤", "受伤"]}, ...], most likely first.
    suggestions = models.JSONField(_("系统建议"), default=list, blank=True)
    at = models.DateTimeField(_("建议时间"))
    # The labels a person confirmed (one or more of knowledge.classifier.LABELS); empty until then.
    confirmed_labels = models.JSONField(_("确认的争议类型"), default=list, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("确认人")
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("争议类型建议")
        verbose_name_plural = _("争议类型建议")

    def __str__(self) -> str:
        return f"{self.case_id}: {[s.get('label') for s in self.suggestions]}"

    @property
    def suggested_labels(self) -> list[str]:
        return [str(s.get("label", "")) for s in self.suggestions]

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class CaseSearchDocument(models.Model):
    """The text of a case that the case list's full-text search reads (cases.search): one row per case, in a
    table of its own rather than columns on Case, so rebuilding it (on every change of the case, its minutes or
    its agreement) never rewrites the hot case row and its seven indexes, and a case list never reads it.

    `body` is the searchable text as people wrote it, field by field, with ID and phone numbers masked (the
    snippets are cut from it); `search_text` its index terms (tiaojie.lib.bigrams). The database indexes
    `search_text` outside Django's model: an FTS5 table kept by triggers on SQLite, a generated tsvector column
    with a GIN index on PostgreSQL (migrations 0016, 0017 and 0021).

    `organisation`, `division` and `received_at` are copies of the case's, so that a search scoped to what a
    user may see (the two columns cases_visible_to filters on) and ordered newest first reads this table alone
    (docs/search.md). The rebuild after each change of the case writes them, and moving an organisation's
    division moves them with its cases (cases.signals). Null only on a row written before migration 0020
    filled them; no foreign key constraint and no index of Django's (the indexes below are built concurrently,
    migration 0021)."""

    case = models.OneToOneField(Case, models.CASCADE, primary_key=True, related_name="search_document")
    body = models.TextField(blank=True)
    search_text = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    organisation = models.ForeignKey(
        Organisation, models.DO_NOTHING, null=True, db_constraint=False, db_index=False, related_name="+"
    )
    division = models.ForeignKey(
        Division, models.DO_NOTHING, null=True, db_constraint=False, db_index=False, related_name="+"
    )
    received_at = models.DateTimeField(null=True)
    # Copies of the case's, for a list filtered by status or channel besides the search (docs/search.md): the
    # GIN index holds them beside the scope and the terms (migration 0024), so such a list's matches are one
    # index scan too. Empty only on a row written before migration 0023 filled them (a constant default: adding
    # them to a million rows changes the catalogue only).
    status = models.CharField(max_length=12, blank=True, default="")
    channel = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        indexes = [
            # A scope's newest matches, walked in order (cases.search.ranked_case_ids).
            models.Index(fields=["organisation", "-received_at", "-case"], name="search_doc_org_recv_h29"),
            models.Index(fields=["division", "-received_at", "-case"], name="search_doc_div_recv_h29"),
            # A region's range is not in received_at order on the index above: walked nationally instead, the
            # division tested inside the index (no row read for a case outside the region).
            models.Index(fields=["-received_at", "-case", "division"], name="search_doc_recv_div_h29"),
        ]

    def __str__(self) -> str:
        return f"search document of case {self.case_id}"
