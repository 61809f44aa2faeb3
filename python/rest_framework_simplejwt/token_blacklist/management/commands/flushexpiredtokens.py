from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rest_framework_simplejwt.utils import aware_utcnow

from ...models import OutstandingToken


def flush_leeway() -> timedelta:
    """How long after its ``exp`` a token still decodes: ``LEEWAY``.

    A row deleted while its token still decodes would un-revoke it (the
    blacklist row goes with it), so rows are kept until ``exp + LEEWAY``.
    Upstream deletes them at ``exp``: with LEEWAY set, a logged-out refresh
    token worked again after a flush.
    """
    from rest_framework_simplejwt.settings import api_settings

    leeway = api_settings.LEEWAY
    if leeway is None:
        return timedelta(0)
    if isinstance(leeway, timedelta):
        return max(leeway, timedelta(0))
    if isinstance(leeway, (int, float)) and not isinstance(leeway, bool):
        return timedelta(seconds=max(leeway, 0))
    raise CommandError(
        f"SIMPLE_JWT['LEEWAY'] must be an int, float or timedelta, not {type(leeway).__name__}"
    )


def _delete_in_batches(queryset: Any, batch_size: int) -> int:
    """Deletes the queryset's rows a batch at a time, each batch its own
    short transaction (autocommit), so that the flush never holds locks on
    the whole table for the length of the run."""
    model = queryset.model
    deleted = 0
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        # Cascades (blacklist rows, family members) are removed with them.
        model._default_manager.filter(pk__in=ids).delete()
        deleted += len(ids)


class Command(BaseCommand):
    help = "Flushes any expired tokens in the outstanding token list"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Rows deleted per transaction (default 1000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options.get("batch_size", 1000)
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        # aware_utcnow is this module's name, as upstream's, so that tests can
        # patch it here. A row goes once its token no longer decodes, that
        # is once exp <= now - LEEWAY (the check tokens make).
        cutoff = aware_utcnow() - flush_leeway()
        _delete_in_batches(
            OutstandingToken.objects.filter(expires_at__lte=cutoff), batch_size
        )
        # Ours: the tables of token families and access-token revocation.
        from ...models import RevokedAccessToken, TokenFamily

        _delete_in_batches(
            RevokedAccessToken.objects.filter(expires_at__lte=cutoff), batch_size
        )
        _delete_in_batches(
            TokenFamily.objects.filter(expires_at__lte=cutoff), batch_size
        )
