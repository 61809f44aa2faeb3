from typing import TYPE_CHECKING, Any, Optional, Union  # noqa: F401 - upstream's module has them

from django.contrib.auth import models as auth_models
from django.db.models.manager import EmptyManager
from django.utils.functional import cached_property

from .settings import api_settings

if TYPE_CHECKING:
    from .tokens import Token


class TokenUser:
    """A user that exists only as the claims of a validated token.

    ``JWTStatelessUserAuthentication`` returns one of these instead of a row of
    the user model, so services that share a signing key can authenticate
    requests without a database. It behaves like Django's ``AnonymousUser``
    turned inside out: authenticated, with no permissions and no storage.
    Claims that are not user attributes are reachable as attributes too.
    """

    # Tokens are only issued to active users.
    is_active = True

    _groups = EmptyManager(auth_models.Group)
    _user_permissions = EmptyManager(auth_models.Permission)

    def __init__(self, token: "Token") -> None:
        self.token = token

    def __str__(self) -> str:
        return f"TokenUser {self.id}"

    @cached_property
    def id(self) -> Any:
        return self.token[api_settings.USER_ID_CLAIM]

    @cached_property
    def pk(self) -> Any:
        return self.id

    @cached_property
    def username(self) -> str:
        return self.token.get("username", "")

    @cached_property
    def is_staff(self) -> bool:
        return self.token.get("is_staff", False)

    @cached_property
    def is_superuser(self) -> bool:
        return self.token.get("is_superuser", False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TokenUser):
            return NotImplemented
        return self.id == other.id

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.id)

    def _no_storage(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("Token users have no DB representation")

    def save(self) -> None:
        self._no_storage()

    def delete(self) -> None:
        self._no_storage()

    def set_password(self, raw_password: str) -> None:
        self._no_storage()

    def check_password(self, raw_password: str) -> None:
        self._no_storage()

    @property
    def groups(self) -> auth_models.Group:
        return self._groups

    @property
    def user_permissions(self) -> auth_models.Permission:
        return self._user_permissions

    def get_group_permissions(self, obj: object | None = None) -> set:
        return set()

    def get_all_permissions(self, obj: object | None = None) -> set:
        return set()

    def has_perm(self, perm: str, obj: object | None = None) -> bool:
        return False

    def has_perms(self, perm_list: list[str], obj: object | None = None) -> bool:
        return False

    def has_module_perms(self, module: str) -> bool:
        return False

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_username(self) -> str:
        return self.username

    def __getattr__(self, attr: str) -> Any | None:
        # Only reached for names the class does not define: custom claims.
        # "token" itself and dunders are refused so that copy and pickle,
        # which probe for them before __init__ ran, do not recurse.
        if attr == "token" or attr.startswith("__"):
            raise AttributeError(attr)
        return self.token.get(attr, None)
