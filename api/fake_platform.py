"""A fake external platform (基层治理四平台) on loopback, for the demo and the tests.

It speaks both adapters: the generic JSON one (``POST /cases``, ``GET /cases/{id}``) and Open311
GeoReport v2 (``GET /services.json``, ``POST /requests.json``, ``GET /requests/{id}.json``), keeps
cases in memory, and lets a test or a person move a case with
``POST /_control/{id}`` ``{"state": "accepted" | "replied" | "returned", "reply": …, "reason": …}``.
``POST /webhook`` accepts (and keeps) webhook calls, for the demo's subscription.
With ``--callback URL`` it also tells the product at once, signed with ``--secret``, as the
inbound webhook expects. With ``--store FILE`` its cases survive a restart (the demo forwards a
case to a platform it starts for the moment; ``manage.py serve`` then starts it for good).

    python -m api.fake_platform --port 8765 [--store var/fake_platform.json] [--secret S --callback http://127.0.0.1:8000/api/v1/platforms/1/inbound/]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OPEN311_STATUS = {"accepted": "open", "replied": "closed", "returned": "returned", "sent": "open"}


class FakePlatform:
    def __init__(
        self,
        port: int = 0,
        *,
        secret: str = "",
        callback: str = "",
        host: str = "127.0.0.1",
        store: str = "",
    ) -> None:
        self.store = store
        self.cases: dict[str, dict] = {}
        if store:
            with contextlib.suppress(FileNotFoundError, ValueError):
                with open(store, encoding="utf-8") as f:
                    self.cases = json.load(f)
        self.received: list[dict] = []
        self.secret = secret
        self.callback = callback
        self.webhooks: list[dict] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, data: object) -> None:
                body = json.dumps(data, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                path = urllib.parse.urlparse(self.path).path
                if path == "/services.json":
                    return self._reply(200, [{"service_code": "general", "service_name": "综合"}])
                if path.startswith("/cases/"):
                    case = platform.cases.get(path[len("/cases/") :])
                    return self._reply(200, case) if case else self._reply(404, {})
                if path.startswith("/requests/") and path.endswith(".json"):
                    case = platform.cases.get(path[len("/requests/") : -len(".json")])
                    if not case:
                        return self._reply(404, [])
                    status = OPEN311_STATUS[case["state"]]
                    notes = case.get("reply") or case.get("reason") or ""
                    row = {
                        "service_request_id": case["id"],
                        "status": status,
                        "status_notes": notes,
                    }
                    return self._reply(200, [row])
                return self._reply(404, {})

            def do_POST(self):  # noqa: N802
                path = urllib.parse.urlparse(self.path).path
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if path == "/webhook":  # a webhook receiver for the demo's subscription
                    platform.webhooks.append({"headers": dict(self.headers), "body": raw})
                    return self._reply(200, {"ok": True})
                if path in ("/cases", "/requests.json"):
                    case_id = f"FP-{secrets.token_hex(4).upper()}"
                    if path == "/cases":
                        data = json.loads(raw or b"{}")
                    else:
                        data = dict(urllib.parse.parse_qsl(raw.decode()))
                    platform.received.append(
                        {"path": path, "data": data, "headers": dict(self.headers)}
                    )
                    platform.cases[case_id] = {"id": case_id, "state": "sent", "data": data}
                    platform.save()
                    if path == "/cases":
                        return self._reply(201, {"id": case_id})
                    return self._reply(201, [{"service_request_id": case_id}])
                if path.startswith("/_control/"):
                    # Unknown ids are taken as cases sent before a restart (the demo's).
                    case_id = path[len("/_control/") :]
                    case = platform.cases.setdefault(case_id, {"id": case_id, "state": "sent"})
                    case.update(json.loads(raw or b"{}"))
                    platform.save()
                    platform.tell(case)
                    return self._reply(200, case)
                return self._reply(404, {})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def save(self) -> None:
        """Write the cases to the store file, if there is one (whole file, then renamed)."""
        if not self.store:
            return
        tmp = f"{self.store}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.cases, f, ensure_ascii=False)
        os.replace(tmp, self.store)

    def tell(self, case: dict) -> None:
        """Send the case's state to the callback URL, signed, if one is configured."""
        if not self.callback:
            return
        body = json.dumps(
            {"external_id": case["id"], **{k: case.get(k) for k in ("state", "reply", "reason")}},
            ensure_ascii=False,
        ).encode()
        timestamp = str(int(time.time()))
        mac = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        request = urllib.request.Request(
            self.callback,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Liaison-Timestamp": timestamp,
                "X-Liaison-Signature": "sha256=" + mac.hexdigest(),
            },
        )
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except OSError:
            pass  # the product polls as well

    def start(self) -> FakePlatform:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", default="")
    parser.add_argument("--callback", default="")
    parser.add_argument("--store", default="", help="a JSON file keeping the cases")
    args = parser.parse_args()
    platform = FakePlatform(args.port, secret=args.secret, callback=args.callback, store=args.store)
    print(f"fake platform on {platform.url}", flush=True)
    try:
        platform.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
