"""API v1: one NinjaAPI, token authentication, JSON that keeps Chinese readable."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from tiaojie.accounts.models import ApiToken, User, hash_token
from tiaojie.lib.api import error_body, field_errors
from tiaojie.lib.compiled import CompiledLookup


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


TOKEN_USE_GRAIN = dt.timedelta(minutes=1)


# Read on every API request: compiled once (lib.compiled).
_TOKEN = CompiledLookup(
    lambda key_hash: ApiToken.objects.select_related("user").filter(
        key_hash=key_hash, revoked_at__isnull=True, user__is_active=True
    )[:1],
    key_hash=str,
)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tj_…` from `tiaojie create-api-token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = _TOKEN.first(key_hash=hash_token(token))
        if row is None:
            return None
        now = timezone.now()
        # Recorded at most once a minute: "when was this token last used" needs no finer grain, and a read
        # should not write (and commit) on every request.
        if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_GRAIN:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
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


# Every refusal has the one body of tiaojie.lib.api.ErrorOut, {"detail": …, "errors": {field: message}}, and every
# operation declares the codes it can answer with (docs/api.md).


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, error_body(_("请求内容有误，请按提示修改"), field_errors(exc.errors)), status=422
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, error_body(_("未认证：请提供有效的 API 令牌")), status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own: 400 for a body that is not JSON ("Cannot parse request body"); ours carry a Chinese message.
    detail = _("请求体不是有效的 JSON") if exc.status_code == 400 else str(exc)
    return api.create_response(request, error_body(detail), status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer for "does not exist" and "not yours" (docs/style.md habit 3).
    return api.create_response(request, error_body(_("未找到，或您无权查看")), status=404)


from tiaojie.calculators_web.api import router as calculators_router  # noqa: E402
from tiaojie.cases.api import router as cases_router  # noqa: E402 - routers attach to the api above
from tiaojie.intake.api import router as referrals_router  # noqa: E402

api.add_router("/cases", cases_router)
api.add_router("/referrals", referrals_router)
api.add_router("/calculators", calculators_router)
