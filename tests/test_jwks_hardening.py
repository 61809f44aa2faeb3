"""JWK_URL under attack: each test reproduces a finding of the security
review against real local HTTP(S) servers (a self-signed certificate made
here), and each failed on the client as it was before the fix."""

import contextlib
import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.jwks import PyJWKClient
from tests.test_jwks import (
    KEYS_BY_ALG,
    RSA_PEM,
    fresh_rsa_pem,
    jwk_of,
    token_with_kid,
    unsigned_with_kid,
)

Handler = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """An HTTP(S) server on 127.0.0.1 answering every GET with ``handle``,
    counting requests."""

    def __init__(self, handle: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handle = handle
        self.requests = 0
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests += 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.handle(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send_json(request: BaseHTTPRequestHandler, data, status: int = 200) -> None:
    body = json.dumps(data).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


@pytest.fixture
def servers():
    started: list[Server] = []

    def start(handle: Handler, tls: ssl.SSLContext | None = None) -> Server:
        server = Server(handle, tls)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (server context, client context)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def backend_for(url: str, alg: str = "RS256", **options) -> TokenBackend:
    backend = TokenBackend(alg, None, "", jwk_url=url)
    client_options = {k: v for k, v in options.items() if k != "ssl_context"}
    if "ssl_context" in options:
        backend.jwks_client = PyJWKClient(url, ssl_context=options["ssl_context"])
    for name, value in client_options.items():
        setattr(backend.jwks_client, name, value)
    return backend


def refused(backend: TokenBackend, token: str) -> bool:
    try:
        backend.decode(token)
    except TokenBackendError:
        return True
    return False


# -- redirects ---------------------------------------------------------------------


def test_the_tls_setup_works(servers, certificate):
    tls_server, tls_client = certificate
    good = servers(
        lambda r: send_json(r, {"keys": [jwk_of(RSA_PEM, "k1")]}), tls_server
    )
    backend = backend_for(good.url, ssl_context=tls_client)
    assert backend.decode(token_with_kid("RS256", RSA_PEM, "k1"))


def test_redirects_are_refused_https_to_http_and_other_hosts(servers, certificate):
    tls_server, tls_client = certificate
    attacker_pem = fresh_rsa_pem()
    attacker = servers(lambda r: send_json(r, {"keys": [jwk_of(attacker_pem, "evil")]}))
    # localhost, not 127.0.0.1: another host name, over plain http.
    target = attacker.url.replace("127.0.0.1", "localhost")

    def redirect(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.end_headers()

    idp = servers(redirect, tls_server)
    backend = backend_for(idp.url, ssl_context=tls_client)
    assert refused(backend, token_with_kid("RS256", attacker_pem, "evil"))
    assert idp.requests == 1
    assert attacker.requests == 0


# -- a bad answer never replaces the good key set ------------------------------------


@pytest.mark.parametrize(
    "bad_answer",
    [
        {"keys": []},
        {"keys": [{**jwk_of(RSA_PEM, "k1"), "use": "enc"}]},
        {"keys": [{"kid": "k1"}]},
        {"nothing": "here"},
    ],
)
def test_an_answer_without_usable_keys_keeps_the_last_good_set(servers, bad_answer):
    answers = [{"keys": [jwk_of(RSA_PEM, "k1")]}]
    server = servers(lambda r: send_json(r, answers[-1]))
    backend = backend_for(server.url, lifespan=0.2, min_refresh_interval=0.2)
    valid = token_with_kid("RS256", RSA_PEM, "k1")
    assert backend.decode(valid)
    answers.append(bad_answer)
    time.sleep(0.25)  # the set is stale: the next use fetches it again
    assert backend.decode(valid)
    assert server.requests == 2
    # An unknown kid's refetch gets the bad answer too: still no harm done.
    time.sleep(0.25)
    assert refused(backend, unsigned_with_kid("made-up"))
    assert backend.decode(valid)
    assert server.requests == 3


# -- rate limits on failure, and no waiting behind a fetch ---------------------------


def test_fetches_are_rate_limited_while_the_endpoint_fails(servers):
    status = [200]

    def answer(request: BaseHTTPRequestHandler) -> None:
        send_json(request, {"keys": [jwk_of(RSA_PEM, "k1")]}, status[0])

    server = servers(answer)
    backend = backend_for(server.url, min_refresh_interval=0.3)
    valid = token_with_kid("RS256", RSA_PEM, "k1")
    assert backend.decode(valid)
    time.sleep(0.35)  # past the cool-down of the last good fetch
    status[0] = 503
    for _ in range(10):  # an attacker's made-up kids during the outage
        assert refused(backend, unsigned_with_kid(uuid.uuid4().hex))
    assert server.requests == 2  # one refetch, then the cool-down holds
    assert backend.decode(valid)


def test_a_failing_endpoint_with_nothing_cached_is_not_hammered(servers):
    server = servers(lambda r: send_json(r, {"error": "down"}, 500))
    backend = backend_for(server.url, min_refresh_interval=60)
    for _ in range(10):
        assert refused(backend, token_with_kid("RS256", RSA_PEM, "k1"))
    assert server.requests == 1


def test_cached_keys_are_served_while_a_fetch_is_in_flight(servers):
    release = threading.Event()
    entered = threading.Event()

    def answer(request: BaseHTTPRequestHandler) -> None:
        if server.requests > 1:  # every refetch hangs until released
            entered.set()
            release.wait(20)
        send_json(request, {"keys": [jwk_of(RSA_PEM, "k1")]})

    server = servers(answer)
    backend = backend_for(server.url, min_refresh_interval=0, timeout=15)
    valid = token_with_kid("RS256", RSA_PEM, "k1")
    assert backend.decode(valid)

    stuck = threading.Thread(
        target=refused, args=(backend, unsigned_with_kid("made-up")), daemon=True
    )
    stuck.start()
    try:
        assert entered.wait(5)  # the refetch is in flight, blocked
        results: list[bool] = []
        served = threading.Thread(
            target=lambda: results.append(not refused(backend, valid)), daemon=True
        )
        served.start()
        served.join(5)
        assert results == [True], "a cached key waited behind the fetch"
        assert not release.is_set()
    finally:
        release.set()
        stuck.join(20)


# -- a total deadline and a size limit -----------------------------------------------


def test_a_fetch_has_a_total_deadline(servers):
    stop = threading.Event()

    def drip(request: BaseHTTPRequestHandler) -> None:
        # Each byte arrives well within the socket timeout; the whole
        # answer never does.
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.end_headers()
        request.wfile.write(b'{"keys": [')
        while not stop.is_set():
            request.wfile.write(b" ")
            request.wfile.flush()
            stop.wait(0.1)

    server = servers(drip)
    backend = backend_for(server.url, timeout=0.5)
    results: list[bool] = []
    call = threading.Thread(
        target=lambda: results.append(
            refused(backend, token_with_kid("RS256", RSA_PEM, "k1"))
        ),
        daemon=True,
    )
    try:
        call.start()
        call.join(10)
        assert results == [True]
    finally:
        stop.set()
        call.join(5)


def test_slow_headers_are_bounded_by_the_deadline_too(servers):
    stop = threading.Event()

    def slow_headers(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"HTTP/1.1 200 OK\r\n")
        while not stop.is_set():
            request.wfile.write(b"X-Slow: 1\r\n")
            request.wfile.flush()
            stop.wait(0.2)

    server = servers(slow_headers)
    backend = backend_for(server.url, timeout=0.5)
    results: list[bool] = []
    call = threading.Thread(
        target=lambda: results.append(
            refused(backend, token_with_kid("RS256", RSA_PEM, "k1"))
        ),
        daemon=True,
    )
    try:
        call.start()
        call.join(10)
        assert results == [True]
    finally:
        stop.set()
        call.join(5)


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_huge_answer_is_refused(servers, declare_length):
    key_set = {"keys": [jwk_of(RSA_PEM, "k1")], "padding": "x" * (4 * 1024 * 1024)}
    body = json.dumps(key_set).encode()

    def answer(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        if declare_length:
            request.send_header("Content-Length", str(len(body)))
        else:
            request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(body)

    server = servers(answer)
    backend = backend_for(server.url)
    assert refused(backend, token_with_kid("RS256", RSA_PEM, "k1"))
    assert server.requests == 1


# -- every algorithm family -------------------------------------------------------------


@pytest.mark.parametrize("alg", ["ES256", "ES384", "ES512", "ES256K", "EdDSA"])
def test_ec_and_okp_keys_verify_through_jwk_url(servers, certificate, alg):
    tls_server, tls_client = certificate
    private = KEYS_BY_ALG[alg]
    server = servers(
        lambda r: send_json(r, {"keys": [jwk_of(private, "k1", alg=alg)]}), tls_server
    )
    backend = backend_for(server.url, alg=alg, ssl_context=tls_client)
    assert backend.decode(token_with_kid(alg, private, "k1"))["user_id"] == "1"
    assert refused(backend, token_with_kid(alg, private, "k2"))
