"""One counter for everything the native fast paths depend on.

The token classes cache native callables that stand in for their stock
methods (``AccessToken(raw)`` decodes and verifies in one call instead of
running ``TokenBackend.decode`` and ``Token.verify``). A cache entry records
``epoch`` when it is built and is rebuilt when ``epoch`` has moved, which
happens when:

* an attribute of a token class or of ``TokenBackend`` is assigned or
  deleted after the class was created (a method patched with
  ``mock.patch.object``, a lifetime changed): through ``WatchedClass``;
* the settings change (``settings.APISettings``);
* an attribute of a ``TokenBackend`` instance changes (its ``__setattr__``);
* ``state.token_backend`` is rebound (the ``state`` module's ``__setattr__``).

Checking one integer keeps the hot paths cheap; the metaclass derives from
ABCMeta so that these classes can still be mixed with abstract base classes.
"""

from abc import ABCMeta
from typing import Any

#: Moves on every change listed above.
epoch = 0


def bump() -> None:
    global epoch
    epoch += 1


class WatchedClass(ABCMeta):
    def __setattr__(cls, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        bump()

    def __delattr__(cls, name: str) -> None:
        super().__delattr__(name)
        bump()
