"""Small real servers for the channel tests and the benchmark: an SMS gateway that answers like a provider
(2xx with an id; 429 with Retry-After; 400 for a number it refuses; 500 while told to fail; a slow answer
while told to hang) and drops a repeated Idempotency-Key; and a webhook receiver that checks the HMAC
signature. Both are `http.server` in a thread, HTTP/1.1 with kept-alive connections."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall between them
    server: Any

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.owner.handle(self, raw)


class _Server:
    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/send"

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, req: _Handler, raw: bytes) -> None:
        raise NotImplementedError


class SmsGatewayServer(_Server):
    """`delivered`: key -> (to, text), each key once; `requests`: every request received."""

    def __init__(self, key: str = "test-key") -> None:
        super().__init__()
        self.key = key
        self.delivered: dict[str, tuple[str, str]] = {}
        self.requests = 0
        self.fail_next = 0  # answer 500 to this many requests
        self.limit_next = 0  # answer 429 to this many requests
        self.hang_seconds = 0.0
        self.refused_numbers: set[str] = set()

    def handle(self, req: _Handler, raw: bytes) -> None:
        with self.lock:
            self.requests += 1
            if req.headers.get("Authorization") != f"Bearer {self.key}":
                return req._answer(401, {"error": "bad key"})
            if self.hang_seconds:
                time.sleep(self.hang_seconds)
            if self.fail_next:
                self.fail_next -= 1
                return req._answer(500, {"error": "upstream carrier failure"})
            if self.limit_next:
                self.limit_next -= 1
                return req._answer(429, {"error": "too many requests"}, {"Retry-After": "120"})
            msg = json.loads(raw)
            if msg["to"] in self.refused_numbers:
                return req._answer(400, {"error": "invalid number"})
            key = req.headers.get("Idempotency-Key", "")
            self.delivered.setdefault(key, (msg["to"], msg["text"]))
            return req._answer(200, {"id": "sm-" + hashlib.sha1(key.encode()).hexdigest()[:12]})


class WebhookReceiver(_Server):
    """Keeps the bodies whose signature is right; answers 401 to the others."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.rejected = 0

    def handle(self, req: _Handler, raw: bytes) -> None:
        ts = req.headers.get("X-Lianfang-Timestamp", "")
        want = (
            "sha256=" + hmac.new(self.secret.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
        )
        with self.lock:
            if not hmac.compare_digest(want, req.headers.get("X-Lianfang-Signature", "")):
                self.rejected += 1
                return req._answer(401, {"error": "bad signature"})
            self.received.append(json.loads(raw))
        return req._answer(200, {"ok": True})
