"""Refresh-token families and reuse detection (ours, not upstream's).

With ``REFRESH_TOKEN_REUSE_DETECTION`` (and ``ROTATE_REFRESH_TOKENS``, with
the blacklist app installed) every refresh token minted by rotation joins the
family of the login it descends from (RFC 9700, section 4.14.2). A rotated
token is single-use: it is blacklisted as it is exchanged, exactly once even
under concurrent requests (``serializers._blacklist_or_refuse``). Presenting
it again means two parties hold it, one of them likely a thief; the whole
family is revoked, so the thief's and the user's current refresh tokens both
stop working. The event is logged (``rest_framework_simplejwt`` logger,
warning) and sent as ``signals.refresh_token_reuse_detected``.

``REFRESH_TOKEN_REUSE_GRACE_PERIOD`` (default 0) covers a client that lost
the response of a rotation and retries it: within that many seconds of the
rotation, presenting the rotated token again answers with the successor it
was rotated into (the same refresh token, a new access token), as long as
that successor has not been used or revoked; nothing is revoked.

The family keeps the login's expiry: a rotated token expires no later than
the token it replaces (its ``exp`` is capped), so rotation never extends a
login's absolute lifetime.

A rotation is one database transaction: blacklisting the old token,
recording the new one and the family either all happen or none does (a
connection lost half way leaves the old token usable and no new one).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import revocation
from .exceptions import TokenError
from .settings import api_settings
from .utils import aware_utcnow, datetime_from_epoch

logger = logging.getLogger("rest_framework_simplejwt")


def enabled() -> bool:
    from .serializers import _blacklist_installed

    return bool(
        api_settings.REFRESH_TOKEN_REUSE_DETECTION
        and api_settings.ROTATE_REFRESH_TOKENS
        and _blacklist_installed()
    )


def _grace() -> timedelta:
    grace = api_settings.REFRESH_TOKEN_REUSE_GRACE_PERIOD
    if isinstance(grace, timedelta):
        return grace
    return timedelta(seconds=grace or 0)


def _family_of(jti: str, payload: dict) -> Any:
    """The family the token belongs to; a token from a login (not yet in
    any family) founds one, expiring with it."""
    from .token_blacklist.models import TokenFamily, TokenFamilyMember

    member = TokenFamilyMember.objects.select_related("family").filter(jti=jti).first()
    if member is not None:
        return member.family, member
    user_id = payload.get(api_settings.USER_ID_CLAIM)
    family = TokenFamily.objects.create(
        user_id="" if user_id is None else revocation.db_text(user_id),
        created_at=aware_utcnow(),
        expires_at=datetime_from_epoch(payload["exp"]),
    )
    member = TokenFamilyMember.objects.create(family=family, jti=jti)
    return family, member


def rotate(serializer: Any, raw: str) -> dict[str, str]:
    """TokenRefreshSerializer.validate with reuse detection."""
    from . import serializers

    request = serializer.context.get("request")
    try:
        refresh = serializer.token_class(raw)
    except TokenError:
        # Blacklisted (or invalid): if it is a rotated token, a replay.
        answer = _replayed(serializer, raw, request)
        if answer is not None:
            return answer
        raise
    serializers._check_token_user(serializer, refresh)

    data = {"access": str(refresh.access_token)}
    old_jti = refresh.payload[api_settings.JTI_CLAIM]
    old_exp = refresh.payload["exp"]
    try:
        with transaction.atomic():
            # Exactly one of concurrent uses of this token gets past this.
            serializers._blacklist_or_refuse(refresh)
            family, member = _family_of(old_jti, refresh.payload)
            if family.revoked_at is not None:
                raise TokenError(_("Token is blacklisted"))

            refresh.set_jti()
            refresh.set_exp()
            refresh.set_iat()
            if refresh.payload["exp"] > old_exp:
                # Never beyond the login's expiry.
                refresh.payload["exp"] = old_exp
            refresh.outstand()
            new_jti = refresh.payload[api_settings.JTI_CLAIM]
            _record_rotation(family, member, new_jti)
    except TokenError:
        # Lost the race to another use of the same token: a replay too.
        answer = _replayed(serializer, raw, request)
        if answer is not None:
            return answer
        raise
    data["refresh"] = str(refresh)
    return data


def _record_rotation(family: Any, member: Any, new_jti: str) -> None:
    from .token_blacklist.models import TokenFamilyMember

    member.rotated_at = aware_utcnow()
    member.successor_jti = new_jti
    member.save(update_fields=["rotated_at", "successor_jti"])
    TokenFamilyMember.objects.create(family=family, jti=new_jti, parent_jti=member.jti)


def _replayed(serializer: Any, raw: str, request: Any) -> dict[str, str] | None:
    """Handles a refresh token refused as blacklisted. If it was rotated,
    either answers within the grace period or revokes its family (and
    returns None: the caller refuses the request)."""
    from .token_blacklist.models import TokenFamilyMember
    from .tokens import UntypedToken

    try:
        # Only a token with a valid signature and not expired can revoke
        # anything; the blacklist is what refused it.
        payload = UntypedToken(raw).payload
    except TokenError:
        return None
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != serializer.token_class.token_type:
        return None
    jti = payload.get(api_settings.JTI_CLAIM)
    member = (
        TokenFamilyMember.objects.select_related("family")
        .filter(jti=jti, rotated_at__isnull=False)
        .first()
    )
    if member is None:
        # Blacklisted by a logout, or never rotated: an ordinary refusal.
        return None
    family = member.family

    grace = _grace()
    if (
        grace > timedelta(0)
        and family.revoked_at is None
        and aware_utcnow() - member.rotated_at <= grace
    ):
        answer = _successor_answer(serializer, member.successor_jti)
        if answer is not None:
            return answer

    _revoke_family(family, jti, request)
    return None


def _successor_answer(serializer: Any, successor_jti: str) -> dict[str, str] | None:
    from .token_blacklist.models import OutstandingToken

    row = OutstandingToken.objects.filter(jti=successor_jti).first()
    if row is None:
        return None
    try:
        successor = serializer.token_class(row.token)
    except TokenError:
        # Already rotated or revoked itself: no grace.
        return None
    return {"access": str(successor.access_token), "refresh": row.token}


def _revoke_family(family: Any, jti: Any, request: Any) -> list[str]:
    from .signals import refresh_token_reuse_detected
    from .token_blacklist.models import OutstandingToken, TokenFamily

    now = aware_utcnow()
    with transaction.atomic():
        jtis = list(family.members.values_list("jti", flat=True))
        revoked = revocation.blacklist_rows(
            OutstandingToken.objects.filter(jti__in=jtis, blacklistedtoken__isnull=True)
        )
        first = TokenFamily.objects.filter(
            pk=family.pk, revoked_at__isnull=True
        ).update(revoked_at=now, revoked_reason="reuse_detected")
    if first:
        logger.warning(
            "refresh token reuse detected: token %s of family %s (user %s) was "
            "presented after rotation; the family's %d refresh tokens are revoked",
            jti,
            family.pk,
            family.user_id or "-",
            len(jtis),
        )
        refresh_token_reuse_detected.send(
            sender=TokenFamily,
            family_id=family.pk,
            user_id=family.user_id,
            jti=jti,
            revoked_jtis=revoked,
            request=request,
        )
    return revoked
