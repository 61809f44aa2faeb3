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
