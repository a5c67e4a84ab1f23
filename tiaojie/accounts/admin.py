from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts import actions as account_actions
from tiaojie.accounts.models import ApiToken, ChainHead, LoginEvent, LoginThrottle, PiiAccessLog, User
from tiaojie.lib.admin import ReadOnlyAdmin


@admin.register(User)
class TiaojieUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Tiaojie", {"fields": ("display_name",)}))  # type: ignore[misc]
    list_display = ["username", "display_name", "is_staff", "is_active"]
    actions = ["unlock_logins", "reset_two_factor"]

    @admin.action(description=gettext_lazy("解除所选用户的登录锁定"), permissions=["change"])
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor: User = request.user  # type: ignore[assignment]
        count = sum(account_actions.do_unlock_user(user=u, actor=actor, request=request) for u in queryset)
        self.message_user(request, _("已解除 %(n)d 个锁定。") % {"n": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("重置所选用户的两步验证（丢失手机时）"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor: User = request.user  # type: ignore[assignment]
        for user in queryset:
            account_actions.do_reset_two_factor(user=user, actor=actor, request=request)
        self.message_user(request, _("已重置，用户下次登录时重新绑定。"), messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "user", "record_type", "record_id", "field", "ip_address"]
    list_filter = ["record_type", "field"]
    show_full_result_count = False


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "kind", "username", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    show_full_result_count = False


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["name", "seq", "head_hash"]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ReadOnlyAdmin):
    """The failure counters; the one thing to do here is to lift a lock (解除锁定), through the action."""

    list_display = ["scope", "key", "failures", "window_start", "locked_until", "is_locked"]
    list_filter = ["scope"]
    search_fields = ["key"]
    actions = ["unlock"]

    @admin.display(boolean=True, description=gettext_lazy("锁定中"))
    def is_locked(self, obj: LoginThrottle) -> bool:
        return obj.locked_until is not None and obj.locked_until > timezone.now()

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_loginthrottle")

    @admin.action(description=gettext_lazy("解除锁定"), permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        actor: User = request.user  # type: ignore[assignment]
        count = account_actions.do_unlock_logins(throttles=list(queryset), actor=actor, request=request)
        self.message_user(request, _("已解除 %(n)d 个锁定。") % {"n": count}, messages.SUCCESS)


# django-otp's own admin pages would let a device or a recovery code be edited or deleted without an audit row:
# devices are read here, reset through the user action above (do_reset_two_factor).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]  # never the key


@admin.register(StaticDevice)
class StaticDeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "created_at", "last_used_at"]
    fields = ["user", "name", "created_at", "last_used_at"]  # never the codes
