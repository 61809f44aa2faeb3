"""Signals of the revocation features (ours, not upstream's).

``refresh_token_reuse_detected``: a refresh token that had already been
rotated was presented again (REFRESH_TOKEN_REUSE_DETECTION); its whole family
has been revoked. Arguments: ``family_id``, ``user_id`` (the token's
USER_ID_CLAIM value, a string), ``jti`` (the replayed token's id),
``revoked_jtis`` (the family's refresh tokens blacklisted now) and
``request`` (or None).

``user_tokens_revoked``: every token of a user was revoked (log out
everywhere, or a password change with CHECK_REVOKE_TOKEN). Arguments:
``user_id``, ``refresh_jtis``, ``access_tokens`` (whether access tokens are
refused too) and ``reason``.
"""

from django.dispatch import Signal

refresh_token_reuse_detected = Signal()
user_tokens_revoked = Signal()
