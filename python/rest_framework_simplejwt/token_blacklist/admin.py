"""Read-only admin pages for the blacklist tables.

Rows are written by the token machinery only; staff can browse and search them
but not add, edit or delete them from the admin.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import BlacklistedToken, OutstandingToken


class _ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def get_readonly_fields(self, request, obj=None) -> list:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The change view doubles as the detail view: allow looking at a row,
        # never submitting the form.
        if request.method not in ("GET", "HEAD"):
            return False
        return super().has_change_permission(request, obj)


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(_ReadOnlyAdmin):
    list_display = ("jti", "user", "created_at", "expires_at")
    search_fields = ("user__id", "jti")
    ordering = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(_ReadOnlyAdmin):
    list_display = (
        "token_jti",
        "token_user",
        "token_created_at",
        "token_expires_at",
        "blacklisted_at",
    )
    search_fields = ("token__user__id", "token__jti")
    ordering = ("token__user",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("token__user")

    @admin.display(description=_("jti"), ordering="token__jti")
    def token_jti(self, obj: BlacklistedToken):
        return obj.token.jti

    @admin.display(description=_("user"), ordering="token__user")
    def token_user(self, obj: BlacklistedToken):
        return obj.token.user

    @admin.display(description=_("created at"), ordering="token__created_at")
    def token_created_at(self, obj: BlacklistedToken):
        return obj.token.created_at

    @admin.display(description=_("expires at"), ordering="token__expires_at")
    def token_expires_at(self, obj: BlacklistedToken):
        return obj.token.expires_at
