from django.core.management.base import BaseCommand

from rest_framework_simplejwt import utils

from ...models import OutstandingToken


class Command(BaseCommand):
    help = "Flushes any expired tokens in the outstanding token list"

    def handle(self, *args, **options) -> None:
        # Blacklist rows point at their token with on_delete=CASCADE, so they
        # are removed together with it. ``utils.aware_utcnow`` is looked up on
        # each call so that tests can patch it.
        cutoff = utils.aware_utcnow()
        OutstandingToken.objects.filter(expires_at__lte=cutoff).delete()
