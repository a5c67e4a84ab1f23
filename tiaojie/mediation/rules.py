"""Periods, eligibility and legal bases used by the mediation flow (docs/law.md §3–§5), each with its source."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import ClaimType
from tiaojie.cases.transitions import NEGOTIATION_BASIS

# Every basis is one whole literal marked with gettext_noop (not an f-string, which the catalogue cannot
# extract): stored and printed in Chinese, shown on pages in the reader's language with `|translate_stored`.

NEGOTIATION_ANSWER_DAYS = 5  # calendar days (5日), counted by 民法典 arts 201, 203
NEGOTIATION_ANSWER_BASIS = NEGOTIATION_BASIS
SETTLEMENT_BASIS = gettext_noop(
    "《企业劳动争议协商调解规定》（人社部令第17号）：协商一致的，应当签订书面和解协议；"
    "为达成和解作出的让步不得在其后的调解、仲裁中作为对其不利的根据"
)

AGREEMENT_BASIS = gettext_noop(
    "《劳动争议调解仲裁法》第十四条第二款：调解协议书由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，"
    "对双方当事人具有约束力，当事人应当履行"
)
ARBITRATION_REVIEW_DAYS = 15  # calendar days from the agreement taking effect
ARBITRATION_REVIEW_BASIS = gettext_noop(
    "《劳动人事争议仲裁办案规则》第七十四条：经调解组织调解达成调解协议的，双方当事人可以自调解协议生效之日起"
    "15日内，共同向有管辖权的仲裁委员会提出仲裁审查申请；第七十八条：仲裁委员会经审查符合条件的，制作调解书，"
    "不符合条件的，作出不予审查确认决定〔二手资料，待核对原文〕"
)
JUDICIAL_CONFIRMATION_DAYS = 30
JUDICIAL_CONFIRMATION_BASIS = gettext_noop(
    "《民事诉讼法》（2023年修正）第二百零五条：经依法设立的调解组织调解达成调解协议，申请司法确认的，"
    "由双方当事人自调解协议生效之日起三十日内，共同向调解组织所在地等基层人民法院提出；第二百零六条"
)
CONFIRMATION_CHOICE_BASIS = gettext_noop(
    "《关于进一步加强劳动人事争议协商调解工作的意见》（人社部发〔2022〕9号）："
    "当事人可以选择申请仲裁审查确认或者司法确认〔二手资料，待核对原文〕"
)

# 调解仲裁法 art 16: for these items the worker alone may apply for a 支付令 when the employer does not perform.
PAYMENT_ORDER_TYPES: dict[str, str] = {
    ClaimType.WAGES: "拖欠劳动报酬",
    ClaimType.WORK_INJURY: "工伤医疗费（工伤待遇中的医疗费部分）",
    ClaimType.COMPENSATION: "经济补偿",
    ClaimType.UNLAWFUL_TERMINATION: "赔偿金",
}
PAYMENT_ORDER_BASIS = gettext_noop(
    "《劳动争议调解仲裁法》第十六条：因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内"
    "不履行的，劳动者可以持调解协议书依法向人民法院申请支付令；《民事诉讼法》（2023年修正）第二百二十五条"
)

FAILURE_BASIS = gettext_noop(
    "《劳动争议调解仲裁法》第十四条第三款：自劳动争议调解组织收到调解申请之日起15日内未达成调解协议的，"
    "当事人可以依法申请仲裁；第十五条；《企业劳动争议协商调解规定》（人社部令第17号）"
)
DECLINE_BASIS = gettext_noop("《企业劳动争议协商调解规定》（人社部令第17号）：不予受理的，应当书面通知申请人并说明理由")
LIMITATION_BASIS = gettext_noop(
    "《劳动争议调解仲裁法》第二十七条：劳动争议申请仲裁的时效期间为一年；因当事人一方向对方当事人主张权利，"
    "或者向有关部门请求权利救济，或者对方当事人同意履行义务而中断，从中断时起，仲裁时效期间重新计算"
)

SIGNATURE_CODE_MINUTES = 10
SIGNATURE_CODE_MAX_ATTEMPTS = 5
SIGNATURE_CODES_PER_HOUR = 5  # per party and agreement: an SMS is not a free resource to hammer
MAX_PAYMENTS = 60
