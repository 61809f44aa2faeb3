"""Fixtures shared by several test files."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class JWKSServer:
    """A JWKS endpoint on 127.0.0.1 serving ``keys`` (or ``body``) with ``status``,
    counting the requests it gets."""

    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.body: bytes | None = None  # served instead of the key set if set
        self.status = 200
        self.requests = 0
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests += 1
                server.paths.append(self.path)
                body = server.body
                if body is None:
                    body = json.dumps({"keys": server.keys}).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = (
            f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        )
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def jwks_server():
    server = JWKSServer()
    try:
        yield server
    finally:
        server.close()
