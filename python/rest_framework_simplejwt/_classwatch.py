"""Noticing changes to classes whose methods the native fast paths skip.

The token classes and ``TokenBackend`` cache native callables that stand in
for their stock methods (``AccessToken(raw)`` decodes and verifies in one
call instead of running ``decode`` and ``verify``). Those caches must not
outlive a change to the classes: a subclass overriding a method is seen when
the cache is built, and a method patched onto a class afterwards (as tests
do with ``mock.patch.object``) bumps ``epoch`` through this metaclass, which
makes every cache rebuild.

The metaclass derives from ABCMeta so that these classes can still be mixed
with abstract base classes.
"""

from abc import ABCMeta
from typing import Any

#: Bumped whenever an attribute of a watched class is assigned or deleted
#: after the class was created.
epoch = 0


def _bump() -> None:
    global epoch
    epoch += 1


class WatchedClass(ABCMeta):
    def __setattr__(cls, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        _bump()

    def __delattr__(cls, name: str) -> None:
        super().__delattr__(name)
        _bump()
