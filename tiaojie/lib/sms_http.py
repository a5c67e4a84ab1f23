"""An SMS gateway reached over HTTP: the carrier's or the government SMS platform's (政务短信平台) API.

Chinese gateways send only registered templates under a registered signature (签名): every message goes out as
"【签名】text", and the gateway wants the template's id with the text as its parameter. This backend speaks one
plain protocol that a deployment adapts to its gateway with settings (docs/notifications.md, "SMS gateway"):

    POST SMS_GATEWAY_URL
    X-Tiaojie-Key: SMS_GATEWAY_KEY_ID
    X-Tiaojie-Timestamp: unix seconds      X-Tiaojie-Nonce: random hex
    X-Tiaojie-Signature: hex HMAC-SHA256(SMS_GATEWAY_SECRET, "POST\\n{path}\\n{timestamp}\\n{nonce}\\n{sha256(body)}")
    {"phone": "13800000000", "sign_name": "某县劳动人事争议调解中心", "template_id": "SMS_0001",
     "params": {"content": "…"}, "content": "【某县劳动人事争议调解中心】…", "request_id": "tiaojie-42"}

and expects 200 with `{"code": "OK", "message_id": "…"}`. Anything else (another code, another status, a body
that is not JSON, no answer within SMS_GATEWAY_TIMEOUT seconds) raises `SmsGatewayError`, and the notification
worker retries with backoff. `request_id` is the same on every attempt of one notification, so a gateway that
deduplicates on it never sends twice a message whose first answer was lost to a timeout.

Delivery receipts come back by callback, signed the same way (`verify_signature`), and are recorded by
`notifications.actions.do_record_sms_receipts`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

# A callback signed more than this long ago (or ahead) is refused: a captured receipt cannot be replayed later.
SIGNATURE_MAX_AGE_SECONDS = 300


class SmsGatewayError(Exception):
    """The gateway did not accept the message; the text says why (its code and message, or the transport's)."""


def signature(secret: str, *, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    message = f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{digest}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, key_id: str, *, method: str, path: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(8)
    return {
        "X-Tiaojie-Key": key_id,
        "X-Tiaojie-Timestamp": timestamp,
        "X-Tiaojie-Nonce": nonce,
        "X-Tiaojie-Signature": signature(secret, method=method, path=path, timestamp=timestamp, nonce=nonce, body=body),
    }


def verify_signature(secret: str, *, method: str, path: str, headers: dict[str, str], body: bytes) -> bool:
    """True when the headers sign this request with `secret` and were made within SIGNATURE_MAX_AGE_SECONDS."""
    timestamp = headers.get("X-Tiaojie-Timestamp", "")
    nonce = headers.get("X-Tiaojie-Nonce", "")
    given = headers.get("X-Tiaojie-Signature", "")
    if not (secret and timestamp.isdigit() and nonce and given):
        return False
    if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return False
    expected = signature(secret, method=method, path=path, timestamp=timestamp, nonce=nonce, body=body)
    return hmac.compare_digest(expected, given)


@dataclass(frozen=True)
class GatewayConfig:
    url: str
    key_id: str
    secret: str
    sign_name: str
    templates: dict[str, str]  # template_key → the gateway's template id; "default" for every other
    timeout: float

    @classmethod
    def from_settings(cls) -> GatewayConfig:
        return cls(
            url=settings.SMS_GATEWAY_URL,
            key_id=settings.SMS_GATEWAY_KEY_ID,
            secret=settings.SMS_GATEWAY_SECRET,
            sign_name=settings.SMS_GATEWAY_SIGN_NAME,
            templates=settings.SMS_GATEWAY_TEMPLATES,
            timeout=settings.SMS_GATEWAY_TIMEOUT,
        )

    def template_for(self, template_key: str) -> str:
        template = self.templates.get(template_key) or self.templates.get("default")
        if not template:
            raise SmsGatewayError(f"no gateway template for {template_key!r} and no default in SMS_GATEWAY_TEMPLATES")
        return template


_LEADING_SIGNATURE = re.compile(r"^【[^】]{1,20}】")


def without_signature(text: str) -> str:
    """The messages carry a generic 【劳动争议调解】 for backends that send text as it is; a gateway adds its own
    registered signature, so the text's is taken off (a phone would show two)."""
    return _LEADING_SIGNATURE.sub("", text, count=1)


def with_signature(sign_name: str, text: str) -> str:
    """The text as the phone shows it: the registered signature in 【】 first, once."""
    return f"【{sign_name}】{without_signature(text)}"


class HttpSmsBackend:
    def __init__(self, config: GatewayConfig | None = None) -> None:
        self.config = config or GatewayConfig.from_settings()

    def send(self, phone: str, text: str) -> None:
        self.send_message(phone, text)

    def send_message(self, phone: str, text: str, *, template_key: str = "", reference: str = "") -> str:
        """Hand one message to the gateway and return its message id; raises SmsGatewayError otherwise."""
        c = self.config
        payload = {
            "phone": phone,
            "sign_name": c.sign_name,
            "template_id": c.template_for(template_key),
            "params": {"content": without_signature(text)},
            "content": with_signature(c.sign_name, text),
            "request_id": reference or secrets.token_hex(12),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        path = urllib.parse.urlsplit(c.url).path or "/"
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **signed_headers(c.secret, c.key_id, method="POST", path=path, body=body),
        }
        # The settings allow only http(s) URLs for the gateway, so no file: or custom scheme reaches urlopen.
        request = urllib.request.Request(c.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=c.timeout) as response:  # noqa: S310
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise SmsGatewayError(f"gateway answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsGatewayError(f"gateway unreachable or too slow: {exc}") from exc
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise SmsGatewayError("gateway answered something that is not JSON") from exc
        if not isinstance(answer, dict) or answer.get("code") != "OK" or not answer.get("message_id"):
            code = answer.get("code") if isinstance(answer, dict) else None
            message = answer.get("message") if isinstance(answer, dict) else None
            raise SmsGatewayError(f"gateway refused: {code} {message}"[:300])
        return str(answer["message_id"])[:64]
