"""The engine's JSON against Python's ``json`` module, on generated input.

The engine reads token headers and payloads with its own JSON reader
(engine/src/json/read.rs) and writes payloads with its own writer. PyJWT,
and so upstream, use ``json.loads`` and ``json.dumps``. The fuzz targets
check the reader against serde_json, which differs from ``json.loads``
(``NaN``, ``Infinity``, lone surrogates, big integers); this file checks it
against ``json.loads`` itself:

- reader: thousands of generated documents, valid and mutated, go through
  the engine (``Engine.decode`` without verification) and through
  ``json.loads``: both refuse, or both return the same value (compared by
  ``repr``, so types, key order, NaN, -0.0 and lone surrogates count);
- headers: generated headers go through ``unverified_header`` and through
  ``json.loads`` followed by PyJWT's header rules as the engine applies them;
- writer: generated payloads go through ``TokenBackend.encode`` and
  ``jwt.encode``, which must write the same token byte for byte.

Derandomized, with bounded example counts: the file takes seconds.
"""

import base64
import json

import jwt
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rest_framework_simplejwt import _native
from rest_framework_simplejwt.backends import TokenBackend
from tests.engine_support import HMAC_SECRET

DIFFERENTIAL = hypothesis_settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ENGINE = _native.Engine("HS256", HMAC_SECRET)
HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")

# Strings with every kind of character, lone surrogates included (they can
# only travel escaped, as json.dumps(ensure_ascii=True) writes them).
texts = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=12
) | st.sampled_from(["", "exp", "a\u00e9", "\U0001f600", "\ud800", "\udc00x", "\\"])
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4)
    ),
    max_leaves=12,
)
objects = st.dictionaries(texts, values, max_size=6)

# Characters whose insertion or removal changes a document's meaning.
EDITS = list('{}[]",:\\ \t\n\r0123456789.eE+-nultrfaseNIy/u') + [
    "\x00",
    "\x1f",
    "\u00e9",
    "\\u",
    "\\ud800",
    "\\udc00",
    "NaN",
    "-Infinity",
]


def dumps(value, ensure_ascii: bool, separators) -> bytes:
    try:
        return json.dumps(
            value, ensure_ascii=ensure_ascii, separators=separators
        ).encode()
    except UnicodeEncodeError:
        # A lone surrogate cannot be UTF-8: only its escape can travel.
        return json.dumps(value, ensure_ascii=True, separators=separators).encode()


@st.composite
def documents(draw) -> bytes:
    """A JSON document, most often an object, sometimes damaged."""
    value = draw(objects | values)
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", "\t:\r")]))
    text = dumps(value, draw(st.booleans()), separators)
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        if draw(st.booleans()) and at < len(text):
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + draw(st.sampled_from(EDITS)).encode() + text[at:]
    return text


def b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def engine_reads(payload: bytes):
    """The engine's payload, or None when it refuses the document."""
    token = HEADER + b"." + b64url(payload) + b"."
    try:
        return ENGINE.decode(token, False, 0, 0)
    except _native.JWTError as e:
        assert e.args[0] == "invalid", e.args
        return None


def json_loads_reads(payload: bytes):
    """What PyJWT's json.loads makes of the payload: an object, or None."""
    try:
        value = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


@DIFFERENTIAL
@given(documents())
def test_reader_agrees_with_json_loads(document):
    ours = engine_reads(document)
    theirs = json_loads_reads(document)
    assert repr(ours) == repr(theirs), document


def test_reader_agrees_on_the_python_extensions():
    # The documents where json.loads parts ways with RFC 8259 parsers.
    for document in [
        b'{"a":NaN,"b":Infinity,"c":-Infinity}',
        b'{"s":"\\ud800","t":"x\\udc00\\ud83d\\ude00\\ud800\\u0041"}',
        b'{"\\ud800":1}',
        b'{"n":123456789012345678901234567890,"m":-0,"f":-0.0,"e":1e400}',
        b'{"a":1,"b":2,"a":3}',
        b'{"d":' + b"[" * 250 + b"]" * 250 + b"}",
        b'{"x":"\\u00e9\\n\\t\\"\\\\\\/\\b\\f\\r"}',
        b'{"x":1} ',
        b'{"x":01}',
        b'{"x":"\\ud800\\u12"}',
    ]:
        assert repr(engine_reads(document)) == repr(json_loads_reads(document)), (
            document
        )


@st.composite
def headers(draw) -> bytes:
    header = draw(st.dictionaries(texts, values, max_size=3))
    for name in ("alg", "kid", "typ", "crit", "b64"):
        if draw(st.booleans()):
            header[name] = draw(
                st.sampled_from(["HS256", "RS256", "k1", "JWT", False, True]) | values
            )
    return dumps(header, draw(st.booleans()), (",", ":"))


def expected_header(document: bytes):
    """What unverified_header must return: PyJWT's header rules as the
    engine documents them (src/header.rs, engine/src/jws.rs)."""
    header = json_loads_reads(document)
    if header is None or "crit" in header or header.get("b64") is False:
        return None
    result = {}
    alg = header.get("alg")
    # An alg holding a lone surrogate names no algorithm (the engine holds
    # names as Rust strings): left out, as a non-string alg is; decoding
    # refuses it either way, since the algorithm is pinned by settings.
    if isinstance(alg, str) and _is_text(alg):
        result["alg"] = alg
    if "kid" in header:
        kid = header["kid"]
        # A kid holding a lone surrogate is not text a key can be named by
        # (the engine holds kids as Rust strings): refused, where PyJWT
        # would pass it on to a JWKS lookup that cannot match it.
        if not isinstance(kid, str) or not _is_text(kid):
            return None
        result["kid"] = kid
    return result


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@DIFFERENTIAL
@given(headers() | documents())
@example(b'{"alg":"\\ud800"}')  # found by hypothesis in a matrix run
@example(b'{"kid":"\\udc00"}')
def test_header_reader_agrees_with_json_loads(document):
    token = b64url(document) + b"." + b64url(b"{}") + b"."
    try:
        ours = _native.unverified_header(token)
    except _native.JWTError:
        ours = None
    assert repr(ours) == repr(expected_header(document)), document


# The backend validates these on decode and PyJWT on encode; elsewhere
# (tests/test_hostile_tokens.py, tests/test_interop_pyjwt.py) they are covered.
REGISTERED = {"exp", "nbf", "iat", "iss", "aud", "sub", "jti"}


@hypothesis_settings(DIFFERENTIAL, max_examples=1000)
@given(objects)
def test_writer_agrees_with_pyjwt(payload):
    payload = {k: v for k, v in payload.items() if k not in REGISTERED}
    ours = TokenBackend("HS256", HMAC_SECRET).encode(payload)
    theirs = jwt.encode(payload, HMAC_SECRET, algorithm="HS256")
    assert ours == theirs
