"""Forms for the public application wizard and the tracking page (people without an account).

The forms parse what was typed; the rules are the action's own (`cases.actions.validate_case_input`), run on
the part of the application each step holds, so a step shows exactly the errors submitting would give, beside
the field, keyed by the action's dotted paths ("workers.0.id_number" → the ID number field).

A draft is the raw text typed on each step, kept in the session (encrypted: it holds an ID number) until the
application is submitted; `case_input_from_draft` turns it into the action's input.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.cases.actions import CaseInput, ClaimInput, EmployerInput, WorkerInput, validate_case_input
from tiaojie.cases.models import Channel, ClaimType
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_credit_code
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.models import Employer
from tiaojie.reference.models import Division

Draft = dict[str, str]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise


STEPS: tuple[Step, ...] = (
    Step("worker", gettext_lazy("您的信息")),
    Step("employer", gettext_lazy("用人单位")),
    Step("facts", gettext_lazy("发生了什么")),
    Step("claims", gettext_lazy("您的请求")),
    Step("submit", gettext_lazy("证据和提交")),
)
STEP_SLUGS = tuple(s.slug for s in STEPS)

# Words a worker understands for each level of the division tree.
LEVEL_LABELS: dict[int, str | Promise] = {
    Division.Level.PROVINCE: gettext_lazy("省（自治区、直辖市）"),
    Division.Level.CITY: gettext_lazy("市（州、盟）"),
    Division.Level.COUNTY: gettext_lazy("区（县、县级市）"),
    Division.Level.TOWNSHIP: gettext_lazy("乡镇（街道）"),
}
FACTS_MAX = 19000  # the action allows 20000; room for the employment dates added in front


def _today() -> dt.date:
    return legal_date(timezone.now())


class StepForm(forms.Form):
    """One step of the wizard. Subclasses say which of the action's error keys belong to them."""

    step = ""

    def partial_input(self) -> CaseInput | None:
        """This step's part of the application, with the rest left empty; None to skip the action's check."""
        return None

    def field_for_key(self, key: str) -> str | None:
        """The form field for one of the action's dotted error keys; None when the key is not this step's."""
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned  # the action's check needs clean values; fix the basics first
        data = self.partial_input()
        if data is not None:
            self.add_action_errors(validate_case_input(data))
        return cleaned

    def add_action_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            field = self.field_for_key(key)
            if field is None:
                continue
            if field in self.fields and field in self.errors:
                continue  # one message per field is enough
            self.add_error(field if field in self.fields else None, message)


class WorkerStepForm(StepForm):
    step = "worker"
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号码"),
        max_length=30,
        help_text=gettext_lazy("18位，最后一位可能是X；港澳台居民居住证号码也可以"),
    )
    phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        help_text=gettext_lazy("查询码会用短信发到这个号码，调解组织也会用它联系您"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=gettext_lazy("住址（可不填）"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("用于寄送文书"),
    )
    # PIPL art 17 (notice) and arts 28–29 (separate consent to sensitive personal information: the ID number).
    privacy_ack = forms.BooleanField(
        label=gettext_lazy("我已阅读《个人信息保护说明》，同意调解组织为办理调解处理我填写的个人信息"),
        error_messages={"required": gettext_lazy("请阅读《个人信息保护说明》并勾选同意")},
    )
    id_consent = forms.BooleanField(
        label=gettext_lazy(
            "我单独同意调解组织处理我的身份证号码（敏感个人信息），仅用于核实身份、办理调解和制作调解文书"
        ),
        error_messages={"required": gettext_lazy("身份证号码是敏感个人信息，需要您单独勾选同意")},
    )
    KEYS = {"workers.0.name": "name", "workers.0.id_number": "id_number", "workers.0.phone": "phone", "workers": ""}

    def partial_input(self) -> CaseInput:
        d = self.cleaned_data
        worker = WorkerInput(name=d["name"], id_number=d["id_number"], phone=d["phone"], address=d["address"])
        return CaseInput(employer=EmployerInput(name=""), workers=[worker], claims=[], channel="", facts="")

    def field_for_key(self, key: str) -> str | None:
        return self.KEYS.get(key)


def division_from_picks(codes: list[str]) -> str:
    """The deepest code of the cascading selects that still descends from the ones above it.

    Without JavaScript the lower selects keep their old value when an upper one changes; a code that does
    not lie under the one above is such a leftover and is ignored, with everything below it."""
    chosen = ""
    for code in codes:
        code = code.strip()
        if not code:
            break
        if not code.isdigit() or len(code) > 12 or (chosen and not code.startswith(chosen)):
            break
        chosen = code
    return chosen


def visible_children(parent: Division | None) -> list[Division]:
    """What a person picks from below `parent`: current divisions, with the statistical placeholders ("市辖区",
    "省直辖县级行政区划") replaced by their own children."""
    rows = list(Division.objects.filter(parent=parent, valid_to__isnull=True).order_by("code"))
    placeholders = [d for d in rows if d.is_placeholder]
    if not placeholders:
        return rows
    below = list(Division.objects.filter(parent__in=placeholders, valid_to__isnull=True).order_by("code"))
    return sorted([d for d in rows if not d.is_placeholder] + below, key=lambda d: d.code)


@dataclass
class PickerLevel:
    label: str | Promise
    options: list[Division]
    selected: str
    parent: str  # the code above, sent when this select is cleared


def division_picker(code: str) -> tuple[list[PickerLevel], Division | None]:
    """The cascading selects for the division `code` (or none chosen): each level's options, with the chain
    down to `code` selected, and one more level to choose from if `code` has children."""
    division = Division.objects.filter(code=code, is_placeholder=False).first() if code else None
    chain = [*division.ancestors(), division] if division else []
    levels: list[PickerLevel] = []
    above: Division | None = None
    for depth in range(len(chain) + 1):
        options = visible_children(above)
        if not options:
            break
        selected = chain[depth].code if depth < len(chain) else ""
        level = min(d.level for d in options)
        levels.append(PickerLevel(LEVEL_LABELS.get(level, ""), options, selected, above.code if above else ""))
        if depth < len(chain):
            above = chain[depth]
    return levels, division


def public_employers() -> QuerySet[Employer]:
    """The employers a member of the public may see and pick: those staff registered or checked. Rows that
    applications created from a typed name stay out: listing them would reveal who has been named in a dispute."""
    return Employer.objects.filter(is_registered=True)


def _normalised_name(name: str) -> str:
    # NFKC folds full-width letters and brackets (（） → ()), so "杭州Ａ（集团）" and "杭州A(集团)" are one name.
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def employer_matches(query: str, limit: int = 8) -> list[Employer]:
    """Registered employers whose name contains `query`, or whose credit code it is (a short list to pick from;
    the page shows only name and credit code). Each employer once: rows with the same normalised name collapse
    into the ones carrying a credit code (two codes are two legal persons and both stay), or into the oldest."""
    query = query.strip()
    if len(query) < 2:
        return []
    rows = public_employers().only("pk", "name", "credit_code")
    code = query.replace(" ", "").upper()
    if len(code) == 18 and code.isalnum():
        by_code = list(rows.filter(credit_code=code)[:limit])
        if by_code:
            return by_code
    # Read a few more than shown, so duplicates do not shorten the list; credit-coded rows first in each name.
    found = rows.filter(name__icontains=query).order_by("name", F("credit_code").asc(nulls_last=True), "pk")
    groups: dict[str, list[Employer]] = {}
    for employer in found[: limit * 4]:
        groups.setdefault(_normalised_name(employer.name), []).append(employer)
    listed: list[Employer] = []
    for same_name in groups.values():
        coded = [e for e in same_name if e.credit_code]
        listed.extend(coded or same_name[:1])
    return listed[:limit]


class EmployerStepForm(StepForm):
    """Either an employer picked from the search (employer_id), or a name, credit code and location typed in."""

    step = "employer"
    employer_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    employer_name = forms.CharField(label=gettext_lazy("单位名称"), max_length=200, required=False)
    employer_credit_code = forms.CharField(
        label=gettext_lazy("统一社会信用代码（可不填）"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("18位，在营业执照、工资条或劳动合同上能找到"),
    )
    employer_address = forms.CharField(label=gettext_lazy("单位地址（可不填）"), max_length=200, required=False)
    division_code = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    KEYS = {
        "employer.name": "employer_name",
        "employer.credit_code": "employer_credit_code",
        "employer.division": "division_code",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employer: Employer | None = None
        self.division: Division | None = None

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if "employer_id" in self.errors:
            return d
        if d.get("employer_id"):
            self.employer = public_employers().filter(pk=d["employer_id"]).first()
            if self.employer is None:
                self.add_error(None, _("所选用人单位不存在，请重新搜索或直接填写"))
            return d
        code = d.get("division_code", "")
        self.division = Division.objects.filter(code=code, is_placeholder=False).first() if code else None
        if self.division is None:
            self.add_error("division_code", _("请选择用人单位所在地"))
        elif self.division.level < Division.Level.COUNTY:
            self.add_error("division_code", _("请至少选到区（县）一级"))
        return d

    def partial_input(self) -> CaseInput:
        d = self.cleaned_data
        employer = EmployerInput(
            name=d["employer_name"],
            credit_code=d["employer_credit_code"],
            address=d["employer_address"],
            existing_id=d.get("employer_id") or None,
        )
        return CaseInput(employer=employer, workers=[], claims=[], channel="", facts="")

    def field_for_key(self, key: str) -> str | None:
        return self.KEYS.get(key)


class FactsStepForm(StepForm):
    step = "facts"
    facts = forms.CharField(
        label=gettext_lazy("发生了什么"),
        max_length=FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("用自己的话写清楚：做什么工作、每月工资多少、单位哪里做得不对、您找过单位没有。"),
    )
    employment_start = forms.DateField(
        label=gettext_lazy("哪天开始在这个单位工作（记不清可以写大概）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    still_employed = forms.ChoiceField(
        label=gettext_lazy("现在还在这个单位工作吗"),
        choices=[("yes", gettext_lazy("还在工作")), ("no", gettext_lazy("已经离开"))],
        widget=forms.RadioSelect,
    )
    left_on = forms.DateField(
        label=gettext_lazy("离开单位的日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        today = _today()
        start, left = d.get("employment_start"), d.get("left_on")
        if start and start > today:
            self.add_error("employment_start", _("开始工作的日期不能晚于今天"))
        if d.get("still_employed") == "no":
            if not left:
                self.add_error("left_on", _("请填写离开单位的日期"))
            elif left > today:
                self.add_error("left_on", _("离开单位的日期不能晚于今天"))
            elif start and left < start:
                self.add_error("left_on", _("离开单位的日期不能早于开始工作的日期"))
        return d

    def partial_input(self) -> CaseInput:
        return CaseInput(
            employer=EmployerInput(name=""), workers=[], claims=[], channel="", facts=self.cleaned_data["facts"]
        )

    def field_for_key(self, key: str) -> str | None:
        return "facts" if key == "facts" else None


AMOUNT_ERRORS = {
    "invalid": gettext_lazy("请输入金额，例如 12500 或 12500.50"),
    "min_value": gettext_lazy("金额不能是负数"),
    "max_digits": gettext_lazy("金额太大，请核对"),
    "max_whole_digits": gettext_lazy("金额太大，请核对"),
    "max_decimal_places": gettext_lazy("金额最多保留两位小数（分）"),
}


class ClaimsStepForm(StepForm):
    """One line per claim type: tick it to claim it, with an amount if the worker knows it."""

    step = "claims"
    other_description = forms.CharField(label=gettext_lazy("其他请求是什么"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in ClaimType.choices:
            self.fields[f"claim_{value}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"amount_{value}"] = forms.DecimalField(
                label=_("金额（元，可不填）"),
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                error_messages=AMOUNT_ERRORS,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("例如 15000")}),
            )

    def claim_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"claim_{value}"], self[f"amount_{value}"]) for value in ClaimType.values]

    def claimed_types(self) -> list[str]:
        return [v for v in ClaimType.values if self.cleaned_data.get(f"claim_{v}")]

    def clean(self) -> dict[str, Any]:
        for value in ClaimType.values:
            if self.cleaned_data.get(f"amount_{value}") is not None and not self.cleaned_data.get(f"claim_{value}"):
                self.add_error(f"amount_{value}", _("填了金额的，请勾选这一项；不要这一项的，请删除金额"))
        d = super().clean()  # the action's check runs only when the fields above are in order
        if not self.errors and ClaimType.OTHER in self.claimed_types() and not d.get("other_description", "").strip():
            self.add_error("other_description", _("请写明其他请求是什么"))
        return d

    def partial_input(self) -> CaseInput:
        d = self.cleaned_data
        claims = [
            ClaimInput(
                type=v,
                amount=d.get(f"amount_{v}"),
                description=d.get("other_description", "") if v == ClaimType.OTHER else "",
            )
            for v in self.claimed_types()
        ]
        return CaseInput(employer=EmployerInput(name=""), workers=[], claims=claims, channel="", facts="")

    def field_for_key(self, key: str) -> str | None:
        parts = key.split(".")
        if key == "claims":
            return ""
        if parts[0] != "claims" or len(parts) != 3:
            return None
        return claim_field_for(self.claimed_types(), parts[1], parts[2])


def claim_field_for(claimed: list[str], index: str, part: str) -> str:
    """The field behind the action's key "claims.<index>.<part>"; claims are listed in ClaimType order."""
    try:
        value = claimed[int(index)]
    except (ValueError, IndexError):
        return ""
    return f"amount_{value}" if part == "amount" else f"claim_{value}"


class SubmitStepForm(StepForm):
    step = "submit"
    negotiation_first = forms.BooleanField(label=gettext_lazy("我想先和单位协商，协商不成再调解"), required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("我确认以上内容是真实的"),
        error_messages={"required": gettext_lazy("请勾选确认后再提交")},
    )
    sms_code = forms.RegexField(
        label=gettext_lazy("短信验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        help_text=gettext_lazy("点「获取验证码」，把发到您手机上的6位数字填在这里"),
        error_messages={
            "required": gettext_lazy("请填写短信验证码；还没有收到的，请点「获取验证码」"),
            "invalid": gettext_lazy("验证码是6位数字"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "data-draft-skip": ""}),
    )


STEP_FORMS: dict[str, type[StepForm]] = {
    "worker": WorkerStepForm,
    "employer": EmployerStepForm,
    "facts": FactsStepForm,
    "claims": ClaimsStepForm,
    "submit": SubmitStepForm,
}


def step_field_names(slug: str) -> list[str]:
    return list(STEP_FORMS[slug]().fields)


def step_for_key(key: str) -> str:
    """Which step shows the action's error key."""
    head = key.split(".")[0]
    return {"workers": "worker", "employer": "employer", "facts": "facts", "claims": "claims"}.get(head, "submit")


# --- the draft and the action's input ------------------------------------------------------------------


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _amount(value: str) -> Decimal | None:
    try:
        amount = Decimal(value.strip().replace(",", "")) if value.strip() else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() else None


def _claimed(draft: Draft) -> list[str]:
    return [v for v in ClaimType.values if draft.get(f"claim_{v}")]


def chinese_date(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}


def employment_summary(draft: Draft) -> str:
    """The employment dates in words, put in front of the facts (the case has no fields for them yet)."""
    start = parse_date(draft.get("employment_start", ""))
    left = parse_date(draft.get("left_on", ""))
    parts = []
    if start:
        parts.append(_("%(date)s开始在该单位工作") % {"date": chinese_date(start)})
    if draft.get("still_employed") == "yes":
        parts.append(_("现仍在职"))
    elif left:
        parts.append(_("%(date)s离开该单位") % {"date": chinese_date(left)})
    return _("【工作时间】%(text)s。") % {"text": "，".join(parts)} if parts else ""


def case_input_from_draft(draft: Draft) -> CaseInput:
    claimed = _claimed(draft)
    summary = employment_summary(draft)
    facts = draft.get("facts", "").strip()
    return CaseInput(
        employer=EmployerInput(
            name=draft.get("employer_name", ""),
            credit_code=draft.get("employer_credit_code", ""),
            address=draft.get("employer_address", ""),
            existing_id=int(draft["employer_id"]) if draft.get("employer_id", "").isdigit() else None,
        ),
        workers=[
            WorkerInput(
                name=draft.get("name", ""),
                id_number=draft.get("id_number", ""),
                phone=draft.get("phone", ""),
                address=draft.get("address", ""),
            )
        ],
        claims=[
            ClaimInput(
                type=v,
                amount=_amount(draft.get(f"amount_{v}", "")),
                description=draft.get("other_description", "").strip() if v == ClaimType.OTHER else "",
            )
            for v in claimed
        ],
        channel=Channel.ONLINE,
        facts=f"{summary}\n{facts}" if summary and facts else facts,
        negotiation_first=bool(draft.get("negotiation_first")),
    )


def preview_employer(draft: Draft) -> tuple[Employer | None, Division | None]:
    """The employer the application will name and where it is, as the action will see them: the one picked,
    or one already registered under the credit code typed, or an unsaved one at the place chosen."""
    if draft.get("employer_id", "").isdigit():
        return public_employers().filter(pk=int(draft["employer_id"])).first(), None
    code = draft.get("division_code", "")
    division = Division.objects.filter(code=code, is_placeholder=False).first() if code else None
    credit_code = draft.get("employer_credit_code", "").strip()
    if credit_code:
        try:
            existing = Employer.objects.filter(credit_code=validate_credit_code(credit_code)).first()
        except InvalidIdentifier:
            existing = None
        if existing is not None:
            return existing, division
    if division is None:
        return None, None
    return Employer(name=draft.get("employer_name", ""), division=division), division


# --- time limits -----------------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class TimeLimitWarning:
    level: str  # "info" | "strong" | "late"
    one_year_from_leaving: dt.date | None


def time_limit_warning(draft: Draft, today: dt.date | None = None) -> TimeLimitWarning:
    """How urgently to warn about the one-year arbitration limitation (调解仲裁法 art 27): after leaving,
    unpaid pay must be claimed within a year of the end of employment. Stronger after 10 months."""
    today = today or _today()
    left = parse_date(draft.get("left_on", "")) if draft.get("still_employed") == "no" else None
    if left is None or left > today:
        return TimeLimitWarning("info", None)
    one_year = _add_months(left, 12)
    if today > one_year:
        return TimeLimitWarning("late", one_year)
    if today > _add_months(left, 10):
        return TimeLimitWarning("strong", one_year)
    return TimeLimitWarning("info", one_year)


# --- tracking ----------------------------------------------------------------------------------------------


class TrackForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=40,
        help_text=gettext_lazy("提交申请后短信里的12位字母和数字，例如 ABCD-EFGH-JKMN"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        help_text=gettext_lazy("申请时填写的手机号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class UnlockForm(forms.Form):
    sms_code = forms.CharField(
        label=gettext_lazy("短信验证码"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class EvidenceUploadForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("说明（可不填）"), max_length=200, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请写明撤回的原因")},
    )
    expected_status = forms.CharField(max_length=12, required=False, widget=forms.HiddenInput)
    sms_code = forms.RegexField(
        label=gettext_lazy("短信验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        help_text=gettext_lazy("撤回前要再验证一次手机：点「获取验证码」，把短信里的6位数字填在这里"),
        error_messages={"required": gettext_lazy("请填写短信验证码"), "invalid": gettext_lazy("验证码是6位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "data-draft-skip": ""}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请写明撤回的原因"))
        return reason
