"""The SMS gateway's delivery-receipt callback: POST /notifications/sms-receipts/ (docs/notifications.md).

No session and no CSRF token: the gateway is a machine. What proves the request came from it is the signature
over the body with the shared SMS_GATEWAY_SECRET (lib/sms_http.py), made within five minutes.

    {"receipts": [{"message_id": "…", "status": "DELIVERED" | "UNDELIVERED", "at": "2026-12-02T10:00:00+08:00",
                   "error": "…"}]}
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tiaojie.lib.sms_http import verify_signature
from tiaojie.notifications.actions import Receipt, do_record_sms_receipts

MAX_RECEIPTS = 1000  # one callback; a gateway batches at most a few hundred


def _parse(body: bytes) -> list[Receipt]:
    data = json.loads(body)
    items = data.get("receipts") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) > MAX_RECEIPTS:
        raise ValueError("receipts must be a list of at most 1000")
    receipts = []
    for item in items:
        status = item.get("status")
        if not isinstance(item.get("message_id"), str) or status not in {"DELIVERED", "UNDELIVERED"}:
            raise ValueError("each receipt needs message_id and status DELIVERED or UNDELIVERED")
        at = dt.datetime.fromisoformat(item["at"]) if item.get("at") else timezone.now()
        if timezone.is_naive(at):
            raise ValueError("at must carry its offset")
        receipts.append(Receipt(item["message_id"][:64], status == "DELIVERED", at, str(item.get("error", ""))))
    return receipts


@csrf_exempt
@require_POST
def sms_receipts(request: HttpRequest) -> JsonResponse:
    headers = {
        name: request.headers.get(name, "")
        for name in ("X-Tiaojie-Timestamp", "X-Tiaojie-Nonce", "X-Tiaojie-Signature")
    }
    if not verify_signature(
        settings.SMS_GATEWAY_SECRET, method="POST", path=request.path, headers=headers, body=request.body
    ):
        return JsonResponse({"code": "FORBIDDEN", "message": "bad or stale signature"}, status=403)
    try:
        receipts = _parse(request.body)
    except (ValueError, TypeError, AttributeError) as exc:
        return JsonResponse({"code": "BAD_REQUEST", "message": str(exc)[:200]}, status=400)
    return JsonResponse({"code": "OK", "recorded": do_record_sms_receipts(receipts=receipts)})
