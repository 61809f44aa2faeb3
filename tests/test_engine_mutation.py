"""User code that changes a payload while the engine walks it.

A key's ``__eq__`` or a ``no_copy_claims`` whose ``__contains__`` changes the
payload runs while the engine copies claims. PyO3's dict iterator panics on
a dict that changes under it, and the panic reached Python as
``PanicException``; the engine now reads a snapshot of the items.
"""

from rest_framework_simplejwt import _native
from rest_framework_simplejwt.tokens import RefreshToken


class MutatingKey(str):
    """A claim name whose comparison adds claims to the payload it is in."""

    target: dict = {}

    def __eq__(self, other):
        for n in range(8):
            self.target[f"added-{n}-{len(self.target)}"] = n
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class MutatingSkip:
    """A ``no_copy_claims`` whose membership test clears the source."""

    def __init__(self, source: dict):
        self.source = source

    def __contains__(self, name):
        self.source.clear()
        return name == "skipped"


def test_copy_claims_survives_a_mutating_skip():
    source = {"a": 1, "skipped": 2, "b": 3}
    target = {}
    _native.copy_claims(source, target, MutatingSkip(source))
    # The items as they were when the copy began.
    assert target == {"a": 1, "b": 3}


def test_copy_claims_survives_a_key_whose_eq_mutates_the_source():
    source = {}
    key = MutatingKey("user_id")
    MutatingKey.target = source
    source.update({key: "1", "other": 2})
    target = {}
    _native.copy_claims(source, target, ("user_id", "token_type"))
    assert "other" in target


def test_access_token_from_a_refresh_token_with_a_mutating_no_copy_claims():
    class Refresh(RefreshToken):
        pass

    refresh = Refresh()
    refresh["extra"] = "x"
    Refresh.no_copy_claims = MutatingSkip(refresh.payload)
    access = refresh.access_token
    assert access["extra"] == "x"
