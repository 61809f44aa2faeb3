"""Storage for issued tokens and for the ones that have been revoked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import is_listed

# Importing this module from a project that has not installed the app must not
# register concrete models (Django would complain that they belong to no
# installed app), so the models are declared abstract in that case.
_APP_NOT_INSTALLED = not is_listed()


class OutstandingToken(models.Model):
    """A refresh token the server has issued, kept until it is flushed."""

    id = models.BigAutoField(primary_key=True, serialize=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    jti = models.CharField(max_length=255, unique=True)
    token = models.TextField()
    created_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        abstract = _APP_NOT_INSTALLED
        ordering = ("user",)
        verbose_name = _("Outstanding Token")
        verbose_name_plural = _("Outstanding Tokens")
        # Ours (migration 0014_simplejwt_rs_revocation): flushexpiredtokens
        # selects by expiry; per-user revocation selects a user's live rows.
        indexes = [
            models.Index(fields=["expires_at"], name="sjwt_rs_outstanding_exp"),
            models.Index(
                fields=["user", "expires_at"], name="sjwt_rs_outstanding_user"
            ),
        ]

    def __str__(self) -> str:
        return _("Token for %(user)s (%(jti)s)") % {"user": self.user, "jti": self.jti}


class BlacklistedToken(models.Model):
    """Marks an outstanding token as revoked; removed along with it."""

    id = models.BigAutoField(primary_key=True, serialize=False)
    token = models.OneToOneField(OutstandingToken, on_delete=models.CASCADE)
    blacklisted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = _APP_NOT_INSTALLED
        verbose_name = _("Blacklisted Token")
        verbose_name_plural = _("Blacklisted Tokens")

    def __str__(self) -> str:
        return _("Blacklisted token for %(user)s") % {"user": self.token.user}


# -- Ours (not upstream's): the tables of token families and access-token
# revocation, created by 0014_simplejwt_rs_revocation. None of them has a
# database foreign key to upstream's tables or to the user table, so a project
# that goes back to upstream's package (which does not know them) can still
# delete users and flush tokens; users are named by the value of the token's
# USER_ID_CLAIM, as the tokens name them.


class TokenFamily(models.Model):
    """The refresh tokens that descend, by rotation, from one login."""

    id = models.BigAutoField(primary_key=True)
    user_id = models.CharField(max_length=255, db_index=True, blank=True, default="")
    created_at = models.DateTimeField()
    # The login's refresh-token expiry: rotation never moves it.
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        abstract = _APP_NOT_INSTALLED
        db_table = "token_blacklist_sjwt_rs_family"
        verbose_name = _("Token family")
        verbose_name_plural = _("Token families")

    def __str__(self) -> str:
        return f"family {self.pk} of user {self.user_id}"


class TokenFamilyMember(models.Model):
    """A refresh token of a family; ``rotated_at`` is set once it has been
    exchanged for its successor."""

    id = models.BigAutoField(primary_key=True)
    family = models.ForeignKey(
        TokenFamily, on_delete=models.CASCADE, related_name="members"
    )
    jti = models.CharField(max_length=255, unique=True)
    parent_jti = models.CharField(max_length=255, blank=True, default="")
    successor_jti = models.CharField(max_length=255, blank=True, default="")
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = _APP_NOT_INSTALLED
        db_table = "token_blacklist_sjwt_rs_family_member"
        verbose_name = _("Token family member")
        verbose_name_plural = _("Token family members")

    def __str__(self) -> str:
        return self.jti


class RevokedAccessToken(models.Model):
    """An access token refused before it expires (ACCESS_TOKEN_REVOCATION)."""

    id = models.BigAutoField(primary_key=True)
    jti = models.CharField(max_length=255, unique=True)
    user_id = models.CharField(max_length=255, db_index=True, blank=True, default="")
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField()

    class Meta:
        abstract = _APP_NOT_INSTALLED
        db_table = "token_blacklist_sjwt_rs_revoked_access"
        verbose_name = _("Revoked access token")
        verbose_name_plural = _("Revoked access tokens")

    def __str__(self) -> str:
        return self.jti


class UserTokenRevocation(models.Model):
    """Every token of the user issued at or before ``revoked_at`` is refused
    (log out everywhere)."""

    id = models.BigAutoField(primary_key=True)
    user_id = models.CharField(max_length=255, unique=True)
    revoked_at = models.DateTimeField()

    class Meta:
        abstract = _APP_NOT_INSTALLED
        db_table = "token_blacklist_sjwt_rs_user_revocation"
        verbose_name = _("User token revocation")
        verbose_name_plural = _("User token revocations")

    def __str__(self) -> str:
        return f"user {self.user_id} at {self.revoked_at}"
