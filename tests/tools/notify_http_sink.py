#!/usr/bin/python3
"""A webhook gateway stand-in on 127.0.0.1 for the notification tests. It checks the
X-UT-Signature (HMAC-SHA256 of the body with SECRET) and stores each valid POST as a JSON line in
OUT. Behaves by the "to" field: "+500..." answers 503 to the first try of a message and 200 to the
next, "+400..." answers 400, "+666..." answers bytes that are not HTTP, else 200. A bad signature
gets 401. Writes its port to PORT_FILE."""
import argparse
import hashlib
import hmac
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

tries = {}
lock = threading.Lock()


def handler(secret, out):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(want, self.headers.get("X-UT-Signature", "")):
                self.send_response(401)
                self.end_headers()
                return
            msg = json.loads(body)
            key, to = msg.get("key", ""), msg.get("to", "")
            with lock:
                tries[key] = tries.get(key, 0) + 1
                n = tries[key]
            if to.startswith("+666"):
                self.wfile.write(b"\x00\x01garbage, not HTTP\r\n\r\n")
                self.close_connection = True
                return
            if to.startswith("+400"):
                self.send_response(400)
                self.end_headers()
                return
            if to.startswith("+500") and n == 1:
                self.send_response(503)
                self.end_headers()
                return
            with lock, open(out, "a") as f:
                f.write(json.dumps(msg, ensure_ascii=False) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    return H


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--secret-file", required=True)
    a = ap.parse_args()
    secret = open(a.secret_file, "rb").read().strip()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler(secret, a.out))
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
