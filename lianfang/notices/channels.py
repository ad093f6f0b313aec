"""The channels behind one interface: `send(message) -> Result`. Each says whether the message left
(`ok`, with the provider's id), or why not: `retry_after` seconds for a rate limit or a passing failure
(timeouts, 5xx), or `permanent` for a refusal that retrying cannot fix (a bad number, a 4xx).

- E-mail: Django's default mailer (settings MAILERS), one connection per batch; the idempotency key is the
  Message-ID, so a resend after a crash is recognised by mail clients.
- SMS: an HTTP gateway (settings NOTICES_SMS_URL and NOTICES_SMS_KEY). It is sent
  `POST <url>` with JSON `{"to", "text", "ref"}`, `Authorization: Bearer <key>` and `Idempotency-Key: <key>`;
  it answers 2xx with JSON `{"id": ...}`, 429 with `Retry-After`, 4xx for a refusal, 5xx for a failure.
  A real provider fits behind a small adapter of this shape (docs/notices.md).
- Webhooks: `POST <url>` with the JSON body, `X-Lianfang-Timestamp` and
  `X-Lianfang-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the shared secret>`.

apprise was considered and not used: its `notify()` answers only True/False, so a rate limit (429 and its
Retry-After) cannot be told from a refusal, it passes no idempotency key to providers, and its JSON webhook
is unsigned — the three things the outbox needs.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers


@dataclass
class Result:
    ok: bool
    provider_id: str = ""
    retry_after: float | None = None
    permanent: bool = False
    error: str = ""


class HttpPoster:
    """One kept-alive HTTP/1.1 connection to one host (reopened after an error)."""

    def __init__(self, url: str, timeout: float) -> None:
        self.parts = urllib.parse.urlsplit(url)
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.parts.scheme == "https" else http.client.HTTPConnection
        return cls(self.parts.hostname or "localhost", self.parts.port, timeout=self.timeout)

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        path = self.parts.path or "/"
        if self.parts.query:
            path += "?" + self.parts.query
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: reopen once
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request(
                    "POST", path, body=body, headers={"Content-Type": "application/json", **headers}
                )
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _http_result(status: int, headers: dict[str, str], data: bytes) -> Result:
    if 200 <= status < 300:
        try:
            answer = json.loads(data or b"{}")
        except ValueError:
            answer = {}
        return Result(ok=True, provider_id=str(answer.get("id", "")) if isinstance(answer, dict) else "")
    text = data[:200].decode("utf-8", "replace")
    if status == 429:
        try:
            wait = float(headers.get("retry-after", "60"))
        except ValueError:
            wait = 60.0
        return Result(ok=False, retry_after=max(1.0, wait), error=f"429 rate limited: {text}")
    if 400 <= status < 500:
        return Result(ok=False, permanent=True, error=f"{status} refused: {text}")
    return Result(ok=False, retry_after=0, error=f"{status} failed: {text}")


class SmsGateway:
    def __init__(self, url: str | None = None, key: str | None = None, timeout: float | None = None) -> None:
        self.url = url if url is not None else settings.NOTICES_SMS_URL
        self.key = key if key is not None else settings.NOTICES_SMS_KEY
        self.poster = HttpPoster(self.url, timeout or settings.NOTICES_SMS_TIMEOUT) if self.url else None

    def send(self, message: Any) -> Result:
        if self.poster is None:
            return Result(ok=False, permanent=True, error="no SMS gateway configured")
        body = json.dumps({"to": message.address, "text": message.body, "ref": message.key}).encode()
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": message.key}
        try:
            return _http_result(*self.poster.post(body, headers))
        except (TimeoutError, OSError, http.client.HTTPException) as err:
            self.poster.close()
            return Result(ok=False, retry_after=0, error=f"gateway unreachable: {err!r}"[:300])

    def close(self) -> None:
        if self.poster is not None:
            self.poster.close()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class Webhooks:
    def __init__(self, secret: str | None = None, timeout: float = 10) -> None:
        self.secret = secret if secret is not None else settings.NOTICES_WEBHOOK_SECRET
        self.timeout = timeout
        self.posters: dict[str, HttpPoster] = {}

    def send(self, message: Any) -> Result:
        poster = self.posters.setdefault(message.address, HttpPoster(message.address, self.timeout))
        body = message.body.encode()
        ts = str(int(time.time()))
        headers = {
            "X-Lianfang-Timestamp": ts,
            "X-Lianfang-Signature": sign(self.secret, ts, body),
            "Idempotency-Key": message.key,
        }
        try:
            return _http_result(*poster.post(body, headers))
        except (TimeoutError, OSError, http.client.HTTPException) as err:
            poster.close()
            return Result(ok=False, retry_after=0, error=f"webhook unreachable: {err!r}"[:300])

    def close(self) -> None:
        for poster in self.posters.values():
            poster.close()


class Email:
    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, message: Any) -> Result:
        try:
            if self.connection is None:
                self.connection = mailers.default
                self.connection.open()
            mail = EmailMessage(
                subject=message.subject,
                body=message.body,
                to=[message.address],
                headers={"Message-ID": f"<{message.key}@lianfang>"},
            )
            self.connection.send_messages([mail])  # the opened mailer: one SMTP session for the batch
            return Result(ok=True, provider_id=f"<{message.key}@lianfang>")
        except Exception as err:
            code = getattr(err, "smtp_code", 0) or 0
            self.close()
            if 500 <= code < 600:
                return Result(ok=False, permanent=True, error=f"{code} refused: {err}"[:300])
            return Result(ok=False, retry_after=0, error=f"mail failed: {err!r}"[:300])

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                pass
            self.connection = None
