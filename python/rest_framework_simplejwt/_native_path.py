"""When a token operation may take the native path.

Every method of the token classes and of ``TokenBackend`` is ordinary Python
that reads what upstream reads, when upstream reads it. For the hot
operations one native call stands in for a chain of those methods, and only
when a check made at that very call shows the result would be the same: each
function and object the Python chain would use is still the one this package
defines, and every value it would read (settings, the backend's attributes,
the token's class attributes, the clock) is read now and passed to the
engine. Nothing is cached across calls, so no patch, override, settings
change or clock move can be missed.

The rule, in one sentence: the native path runs only if every name the
Python methods would look up at this call (on the token's class, on the
instance, on the backend, in the ``tokens``/``utils``/``time`` modules)
resolves to this package's own object; otherwise the Python methods run.

What each path checks:

* clock (decoding and minting): ``tokens.aware_utcnow``, ``utils.datetime``
  and ``time.time_ns`` are the originals, so ``time.time_ns()`` is the
  instant ``aware_utcnow()`` would give (freezegun replaces them and takes the Python
  path; time-machine moves both clocks alike and keeps the native one);
* a fresh instance: a subclass ``__init__`` that set attributes before
  ``Token.__init__`` sends the token down the Python path;
* the backend: ``get_token_backend``, the ``token_backend`` property,
  ``_token_backend`` and ``tokens.import_string`` are stock, so the backend
  is ``state.token_backend`` as it is now; its ``decode`` (or ``encode``) is
  ``TokenBackend``'s, on the class and the instance;
* ``Token.verify``: ``verify``, ``check_exp``, ``verify_token_type`` (or
  ``UntypedToken``'s) and ``tokens.datetime_from_epoch`` are stock, and the
  claim names in ``tokens.api_settings`` are strings or None;
* minting: ``set_exp``, ``set_iat``, ``set_jti``, ``tokens.datetime_to_epoch``
  and ``tokens.uuid4`` are stock, and the lifetime is a ``timedelta``.
"""

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from django.conf import settings

from . import _native, utils

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MICROSECOND = timedelta(microseconds=1)

# The objects as defined, filled by capture_stock() once tokens.py has
# defined its classes and by capture_backend() once backends.py has. The real
# clock functions are kept in this dict, not as module attributes: freezegun
# replaces every module attribute that holds them.
_stock: dict[str, Any] = {
    "datetime": datetime,
    "time_ns": time.time_ns,
    "timedelta": timedelta,
}
_tokens: dict[str, Any] = {}

#: The check of Token.__init__, made natively (src/native_path.rs) because it
#: runs for every token: ``guard.token_init(token, raw, verify, lifetime)``
#: gives ``(payload, now_us)``, or None when the Python methods must run.
guard: Any = None

_MODULE_NAMES = (
    "aware_utcnow",
    "datetime_from_epoch",
    "datetime_to_epoch",
    "uuid4",
    "import_string",
)
_BACKEND_METHODS = ("decode", "get_verifying_key", "get_leeway")


def capture_stock(tokens_globals: dict[str, Any]) -> None:
    """Records the ``tokens`` module's namespace and its functions and
    methods as defined, before anything could patch them."""
    global _tokens, guard
    _tokens = tokens_globals
    token = tokens_globals["Token"].__dict__
    _stock.update(
        {name: tokens_globals[name] for name in _MODULE_NAMES},
        verify=token["verify"],
        check_exp=token["check_exp"],
        verify_token_type=token["verify_token_type"],
        untyped_check=tokens_globals["UntypedToken"].__dict__["verify_token_type"],
        set_exp=token["set_exp"],
        set_iat=token["set_iat"],
        set_jti=token["set_jti"],
        setitem=token["__setitem__"],
        get_token_backend=token["get_token_backend"],
        token_backend=token["token_backend"],
        current_time=token["current_time"],
    )
    guard = _native.NativePath(tokens_globals, vars(utils), vars(time), _stock)


def capture_backend(
    backend_class: type, setting_names: tuple, engine_inputs: tuple
) -> None:
    """Records ``TokenBackend``'s methods as defined, and the names its
    engine cache is keyed on."""
    methods = {
        f"backend.{name}": backend_class.__dict__[name] for name in _BACKEND_METHODS
    }
    _stock.update(methods)
    guard.capture_backend(methods, list(setting_names), list(engine_inputs))


class CurrentTime:
    """``Token.current_time`` for a token made on the native path: the clock
    was read as microseconds (``_now_us``), and the datetime
    ``aware_utcnow()`` would have given is made from them when first read,
    then kept as the instance attribute upstream sets."""

    def __get__(self, token: Any, owner: type | None = None) -> Any:
        if token is None:
            return self
        try:
            now_us = token.__dict__["_now_us"]
        except KeyError:
            raise AttributeError("current_time") from None
        now = _EPOCH + timedelta(microseconds=now_us)
        if not settings.USE_TZ:
            now = now.replace(tzinfo=None)
        token.__dict__["current_time"] = now
        return now


def backend_of(token: Any) -> Any:
    """What ``token.get_token_backend()`` returns, when the stock lookup is
    certain to give ``state.token_backend``; else None."""
    cls = type(token)
    stock = _stock
    if (
        cls.get_token_backend is stock["get_token_backend"]
        and cls.token_backend is stock["token_backend"]
        and token._token_backend is None
        and "get_token_backend" not in token.__dict__
        and _tokens["import_string"] is stock["import_string"]
    ):
        state = _state
        if state is None:
            state = _load_state()
        return state.token_backend
    return None


_state: Any = None


def _load_state() -> Any:
    # Imported on first use: state imports backends, which imports tokens.
    global _state
    from . import state

    _state = state
    return state


def set_exp_from(access: Any, refresh: Any) -> bool:
    """``access.set_exp(from_time=refresh.current_time)`` from the refresh
    token's microseconds, if both are stock; False if the caller must run it."""
    lifetime = access.lifetime
    if not (
        type(access).set_exp is _stock["set_exp"]
        and "set_exp" not in access.__dict__
        and _tokens["datetime_to_epoch"] is _stock["datetime_to_epoch"]
        and "current_time" not in refresh.__dict__
        and type(refresh).current_time is _stock["current_time"]
        and "_now_us" in refresh.__dict__
        and isinstance(lifetime, timedelta)
    ):
        return False
    start = refresh.__dict__["_now_us"]
    access.payload["exp"] = (start + lifetime // _ONE_MICROSECOND) // 1_000_000
    return True


def stock_setitem(token: Any, source: Any) -> bool:
    """Whether claims may be copied from ``source`` into ``token.payload``
    past ``__setitem__`` and ``dict.items``."""
    return (
        type(token).__setitem__ is _stock["setitem"]
        and type(token.payload) is dict
        and type(source) is dict
    )
