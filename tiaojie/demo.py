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

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tiaojie.accounts.models import User
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
from tiaojie.lib.idnumbers import id_check_char
from tiaojie.lib.workdays import LEGAL_TZ
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
                )
            )
        org = Organisation.objects.create
        org_a = org(
            name="余杭区仓前街道劳动人事争议调解中心",
            type_id="township_centre",
            division_id=TOWNSHIP_A,
            address="杭州市余杭区仓前街道文一西路1号",
            phone="0571-88000001",
        )
        org_b = org(
            name="西湖区蒋村街道劳动人事争议调解中心",
            type_id="township_centre",
            division_id=TOWNSHIP_B,
            address="杭州市西湖区蒋村街道示范路8号",
            phone="0571-88000002",
        )
        others = [
            org(name="余杭区劳动人事争议仲裁院调解中心", type_id="arbitration_centre", division_id=COUNTY_A),
            org(
                name=f"{employers[0].name}劳动争议调解委员会",
                type_id="enterprise_committee",
                division_id=TOWNSHIP_A,
                employer=employers[0],
            ),
            org(
                name=f"{employers[1].name}劳动争议调解委员会",
                type_id="enterprise_committee",
                division_id=TOWNSHIP_A2,
                employer=employers[1],
            ),
            org(
                name="余杭区工商联商会劳动争议调解委员会",
                type_id="chamber",
                division_id=COUNTY_A,
                industry="C",
            ),
            org(name="余杭区良渚街道人民调解委员会", type_id="people_mediation", division_id=TOWNSHIP_A2),
            org(
                name="余杭区建筑业劳动争议调解委员会",
                type_id="regional_industry",
                division_id=COUNTY_A,
                industry="E",
            ),
            org(name="余杭区总工会仓前暖心驿站", type_id="union_station", division_id=TOWNSHIP_A),
            org(name="西湖区总工会司机之家（蒋村）", type_id="union_station", division_id=TOWNSHIP_B),
        ]
        hotline = org(name="杭州市总工会12351职工服务热线", type_id="hotline", division_id=CITY)

        users = {username: _user(username, display) for username, display, _ in PERSONAS}
        Membership.objects.create(user=users["mediator_a"], organisation=org_a, role=Membership.Role.MEDIATOR)
        Membership.objects.create(user=users["admin_a"], organisation=org_a, role=Membership.Role.ADMIN)
        Membership.objects.create(user=users["mediator_b"], organisation=org_b, role=Membership.Role.MEDIATOR)
        Membership.objects.create(user=users["operator_12351"], organisation=hotline, role=Membership.Role.INTAKE)
        SupervisorScope.objects.create(
            user=users["supervisor_county"], division_id=COUNTY_A, department=SupervisorScope.Department.HRSS
        )
        # One working mediator for each other organisation, so every case has someone to act.
        staff = {org_a.pk: users["mediator_a"], org_b.pk: users["mediator_b"]}
        for i, o in enumerate(others):
            u = User.objects.create_user(username=f"staff_{i + 1}", password=None, display_name=f"调解员{i + 1}")
            Membership.objects.create(user=u, organisation=o, role=Membership.Role.MEDIATOR)
            staff[o.pk] = u

        mediating_orgs = [org_a, org_b, *others]
        weights = [30, 18] + [6] * len(others)
        for index in range(cases):
            _demo_case(rng, now, today, rng.choices(mediating_orgs, weights)[0], employers, staff, index)
        _demo_hotline_calls(random.Random(seed + 12351), now, hotline, users["operator_12351"])
        _demo_mediation(org_a, users["mediator_a"], users["admin_a"], now)


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
