"""API v1: one NinjaAPI, token authentication, JSON that keeps Chinese readable."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from tiaojie.accounts.models import ApiToken, User, hash_token


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tj_…` from `tiaojie create-api-token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="Tiaojie API",
    version="1",
    description="劳动人事争议调解平台接口。认证：Authorization: Bearer <token>（tiaojie create-api-token USERNAME）。",
    auth=TokenAuth(),
    renderer=ChineseJSONRenderer(),
    urls_namespace="api-v1",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> Any:
    return api.create_response(request, {"detail": _("请求内容有误"), "errors": _plain(exc.errors)}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> Any:
    return api.create_response(request, {"detail": _("未认证：请提供有效的 API 令牌")}, status=401)


def _plain(errors: Any) -> Any:
    # pydantic error contexts may hold exceptions; keep only what serialises.
    return json.loads(json.dumps(errors, default=str, ensure_ascii=False))


from tiaojie.calculators_web.api import router as calculators_router  # noqa: E402
from tiaojie.cases.api import router as cases_router  # noqa: E402 - routers attach to the api above
from tiaojie.intake.api import router as referrals_router  # noqa: E402

api.add_router("/cases", cases_router)
api.add_router("/referrals", referrals_router)
api.add_router("/calculators", calculators_router)
