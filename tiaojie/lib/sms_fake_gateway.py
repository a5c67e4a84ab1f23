"""A local fake of an SMS gateway speaking lib/sms_http.py's protocol: for the tests and `make prod-check`.

It checks every request's signature, keeps each accepted message (and writes it as a JSON line to `log_path`, so
a smoke journey can read the verification code a "phone" received), deduplicates on `request_id` as real
gateways do, and misbehaves on demand (`behaviour`): "ok", "refuse" (a gateway error code), "http500", "timeout"
(answers after `delay` seconds), "not_json". `send_receipts(url)` calls the app back with signed delivery
receipts for every message not yet reported.

    python -m tiaojie.lib.sms_fake_gateway --port 8025 --key-id K --secret S --log var/sms.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tiaojie.lib.sms_http import signed_headers, verify_signature


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close: a late answer still being written when a test ends once printed its
    # traceback from that thread while the main thread ran ast.parse, and CPython 3.11.7's AST recursion
    # bookkeeping is shared between threads (SystemError "AST constructor recursion depth mismatch").
    daemon_threads = False

    def handle_error(self, request: object, client_address: object) -> None:
        # A caller that gave up closes its end before the late answer (the "timeout" behaviour's whole point):
        # that is the behaviour under test, not a fault of the fake.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class FakeGateway:
    key_id: str
    secret: str
    log_path: Path | None = None
    # Every signed send as a JSON line, a repeated request_id again (scripts/scaleout-check counts double sends).
    requests_log_path: Path | None = None
    behaviour: str = "ok"
    delay: float = 0.0
    messages: list[dict] = field(default_factory=list)  # accepted, once per request_id
    requests: int = 0  # every request that reached it, refused and repeated ones included
    reported: set[str] = field(default_factory=set)
    _by_request: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}/sms/send"

    def start(self, port: int = 0) -> FakeGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet: tests read the results, not logs
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = gateway.handle(self.path, dict(self.headers.items()), body)
                if status == 0:  # the timeout case: hold the connection, answer late (or at once on stop)
                    gateway._stopping.wait(gateway.delay)
                    status = 200
                raw = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = _Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for every request being answered, so none outlives the test that started it."""
        if self.server is not None:
            self._stopping.set()
            self.server.shutdown()
            self.server.server_close()  # joins the handler threads (_Server.daemon_threads is False)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict | bytes]:
        with self._lock:
            self.requests += 1
        if headers.get("X-Tiaojie-Key") != self.key_id or not verify_signature(
            self.secret, method="POST", path=path, headers=headers, body=body
        ):
            return 401, {"code": "SIGNATURE_INVALID", "message": "bad signature"}
        if self.behaviour == "http500":
            return 500, {"code": "INTERNAL", "message": "gateway down"}
        if self.behaviour == "not_json":
            return 200, b"<html>busy</html>"
        if self.behaviour == "refuse":
            return 200, {"code": "BUSINESS_LIMIT_CONTROL", "message": "触发号码天级流控"}
        payload = json.loads(body)
        with self._lock:
            if self.requests_log_path is not None:
                with self.requests_log_path.open("a", encoding="utf-8") as log:
                    line = {
                        "request_id": payload["request_id"],
                        "phone": payload["phone"],
                        "content": payload["content"],
                    }
                    log.write(json.dumps(line, ensure_ascii=False) + "\n")
            message_id = self._by_request.get(payload["request_id"])
            if message_id is None:
                message_id = f"fake-{len(self.messages) + 1}"
                self._by_request[payload["request_id"]] = message_id
                record = {**payload, "message_id": message_id}
                self.messages.append(record)
                if self.log_path is not None:
                    with self.log_path.open("a", encoding="utf-8") as log:
                        log.write(json.dumps(record, ensure_ascii=False) + "\n")
        if self.behaviour == "timeout":
            return 0, {"code": "OK", "message_id": message_id}
        return 200, {"code": "OK", "message_id": message_id}

    def send_receipts(self, callback_url: str, *, delivered: bool = True, error: str = "") -> dict:
        """POST signed receipts for the messages not yet reported to the app's callback; returns its answer."""
        with self._lock:
            pending = [m for m in self.messages if m["message_id"] not in self.reported]
            self.reported.update(m["message_id"] for m in pending)
        receipts = [
            {
                "message_id": m["message_id"],
                "status": "DELIVERED" if delivered else "UNDELIVERED",
                "at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                "error": error,
            }
            for m in pending
        ]
        body = json.dumps({"receipts": receipts}).encode()
        path = urllib.parse.urlsplit(callback_url).path
        headers = {
            "Content-Type": "application/json",
            **signed_headers(self.secret, self.key_id, method="POST", path=path, body=body),
        }
        request = urllib.request.Request(callback_url, data=body, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a local test URL)
            return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--requests-log", type=Path)
    args = parser.parse_args()
    gateway = FakeGateway(
        key_id=args.key_id, secret=args.secret, log_path=args.log, requests_log_path=args.requests_log
    ).start(args.port)
    print(f"fake SMS gateway on {gateway.url}, messages to {args.log}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
