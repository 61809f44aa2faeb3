"""Model signal receivers of the revocation features (ours).

* With ``CHECK_REVOKE_TOKEN`` on, one of ``ACCESS_TOKEN_REVOCATION`` and
  ``REFRESH_TOKEN_REUSE_DETECTION`` on, and the blacklist app installed,
  saving a user whose password changed (one query per save of a user, to
  compare the stored password) logs that user out everywhere
  (``revocation.logout_everywhere``): refresh tokens are blacklisted and,
  with ``ACCESS_TOKEN_REVOCATION``, access tokens refused, also by
  ``JWTStatelessUserAuthentication``, which never reads the password.
* With ``BLACKLIST_CACHE``, deleting a blacklist row (the admin lifting a
  blacklisting) drops the cached answer for that token.

Each receiver reads the settings when it runs and returns at once when its
feature is off.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from .settings import api_settings
from .token_blacklist import is_listed

_CHANGED = "_simplejwt_rs_password_changed"


def _watching_passwords() -> bool:
    # Opt-in: CHECK_REVOKE_TOKEN alone keeps upstream's behaviour (a token
    # issued under the old password is refused with "password_changed").
    return (
        bool(api_settings.CHECK_REVOKE_TOKEN)
        and bool(
            api_settings.ACCESS_TOKEN_REVOCATION
            or api_settings.REFRESH_TOKEN_REUSE_DETECTION
        )
        and is_listed(settings.INSTALLED_APPS)
    )


def _before_user_save(
    sender: Any, instance: Any, update_fields: Any = None, **kw: Any
) -> None:
    if not _watching_passwords() or instance.pk is None or kw.get("raw"):
        return
    if update_fields is not None and "password" not in update_fields:
        return
    old = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    if old is not None and old != instance.password:
        setattr(instance, _CHANGED, True)


def _after_user_save(sender: Any, instance: Any, **kw: Any) -> None:
    if not instance.__dict__.pop(_CHANGED, False):
        return
    from .revocation import logout_everywhere

    transaction.on_commit(
        lambda: logout_everywhere(instance, reason="password_changed")
    )


def _after_blacklist_delete(sender: Any, instance: Any, **kw: Any) -> None:
    if not api_settings.BLACKLIST_CACHE:
        return
    from .revocation import forget_blacklisted
    from .token_blacklist.models import BlacklistedToken, OutstandingToken

    origin = kw.get("origin")
    origin_model = getattr(origin, "model", type(origin))
    if origin is not None and origin_model is not BlacklistedToken:
        # Deleted along with its outstanding token (a flush): the cached
        # "blacklisted" can only refuse a token the database no longer
        # knows, and looking each one up would cost a query per row.
        return

    jti = (
        OutstandingToken.objects.filter(pk=instance.token_id)
        .values_list("jti", flat=True)
        .first()
    )
    if jti is not None:
        forget_blacklisted([jti])


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(
        _before_user_save, sender=user_model, dispatch_uid=__name__ + ".pre"
    )
    post_save.connect(
        _after_user_save, sender=user_model, dispatch_uid=__name__ + ".post"
    )
    if is_listed(settings.INSTALLED_APPS):
        from .token_blacklist.models import BlacklistedToken

        post_delete.connect(
            _after_blacklist_delete,
            sender=BlacklistedToken,
            dispatch_uid=__name__ + ".blacklist",
        )
