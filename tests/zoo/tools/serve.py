#!/usr/bin/env python3
"""A stand-in for privaudit's replica server (src/replica.rs), for looking at
the zoo's pages without building privaudit: serves tests/zoo/site/ on
loopback with the same paths, placeholders and state endpoint.

    python3 tools/serve.py [--port 8765] [--root site]

- GET /<lib>/<page>       -> site/<lib>/<page>.html, <page>/index.html or the file
- {{checked:KEY}}, {{aria-checked:KEY}}, {{value:KEY}} filled in .html files
  from the server-side state, which starts as site/<lib>/replica.toml [state]
- POST /__replica/<lib>/state/<KEY>  body on|off|... -> 204 (404 unknown key)

Extensions that privaudit's server does not have (for tools/probe.mjs only):
- GET  /__zoo/<lib>/state   -> the current state as JSON
- POST /__zoo/<lib>/reset   -> state back to replica.toml
- POST /__zoo/<lib>/signed-out (body true|false) -> pages redirect to login_path
"""

import argparse
import json
import re
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PLACEHOLDER = re.compile(r"\{\{(checked|aria-checked|value):([a-z0-9-]+)\}\}")
TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "woff2": "font/woff2",
    "json": "application/json",
}


class Zoo:
    def __init__(self, root: Path):
        self.root = root
        self.lock = threading.Lock()
        self.values: dict[str, dict[str, str]] = {}
        self.signed_out: dict[str, bool] = {}

    def read(self, path: str):
        if any(part == ".." or part.startswith(".") for part in path.split("/")):
            return None
        f = self.root / path
        return f.read_bytes() if f.is_file() else None

    def manifest(self, lib: str) -> dict:
        raw = self.read(f"{lib}/replica.toml")
        return tomllib.loads(raw.decode()) if raw else {}

    def state(self, lib: str) -> dict[str, str]:
        with self.lock:
            if lib not in self.values:
                self.values[lib] = dict(self.manifest(lib).get("state", {}))
            return self.values[lib]

    def reset(self, lib: str):
        with self.lock:
            self.values.pop(lib, None)
            self.signed_out.pop(lib, None)

    def render(self, lib: str, html: str) -> str:
        values = self.state(lib)

        def fill(m):
            value = values.get(m.group(2), "")
            on = value == "on"
            if m.group(1) == "checked":
                return "checked" if on else ""
            if m.group(1) == "aria-checked":
                return "true" if on else "false"
            return value

        return PLACEHOLDER.sub(fill, html)


def handler(zoo: Zoo, quiet: bool):
    class H(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            if not quiet:
                super().log_message(fmt, *args)

        def send(self, status, body=b"", ctype="text/plain; charset=utf-8", extra=None):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def body(self) -> str:
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n).decode() if n else ""

        def do_POST(self):
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) == 4 and parts[0] == "__replica" and parts[2] == "state":
                lib, key = parts[1], parts[3]
                value = self.body().strip()
                if zoo.signed_out.get(lib):
                    return self.send(401, b"signed out\n")
                state = zoo.state(lib)
                if key not in state:
                    return self.send(404, f"no setting {key}\n".encode())
                with zoo.lock:
                    state[key] = value
                return self.send(204)
            if len(parts) == 3 and parts[0] == "__zoo" and parts[2] == "reset":
                zoo.reset(parts[1])
                return self.send(204)
            if len(parts) == 3 and parts[0] == "__zoo" and parts[2] == "signed-out":
                zoo.signed_out[parts[1]] = self.body().strip() != "false"
                return self.send(204)
            return self.send(404, b"not found\n")

        def do_GET(self):
            path = self.path.split("?")[0].strip("/")
            parts = path.split("/")
            if len(parts) == 3 and parts[0] == "__zoo" and parts[2] == "state":
                return self.send(200, json.dumps(zoo.state(parts[1])).encode(), TYPES["json"])
            lib, _, page = path.partition("/")
            is_asset = page.endswith((".css", ".js", ".svg"))
            if zoo.signed_out.get(lib) and not is_asset:
                login = zoo.manifest(lib).get("login_path", "/login")
                if f"/{page}" != login:
                    return self.send(302, extra={"Location": f"/{lib}{login}?next=/{page}"})
            for candidate in (f"{path}.html", f"{path}/index.html", path):
                raw = zoo.read(candidate)
                if raw is None:
                    continue
                if candidate.endswith(".html"):
                    raw = zoo.render(lib, raw.decode()).encode()
                ext = candidate.rsplit(".", 1)[-1]
                return self.send(200, raw, TYPES.get(ext, "application/octet-stream"))
            return self.send(404, f"no replica page for /{path}\n".encode())

    return H


def main():
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--root", type=Path, default=here / "site")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(Zoo(args.root), args.quiet))
    print(f"serving {args.root} on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
