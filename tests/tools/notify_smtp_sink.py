#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for the notification tests (aiosmtpd). It stores each message it
accepts as a file in OUT_DIR and behaves by recipient: "tempfail..." answers 451 to the first
attempt of each message and 250 to the next, "reject..." answers 550, "slow..." waits SLOW
seconds before accepting (a client that goes away meanwhile gets nothing stored, as SMTP says:
the server takes responsibility only with its 250). With --hold FILE, "slow..." messages are held
instead until FILE exists, so a test can kill the client while the server has the message and has
not answered, with no race. Writes its port to PORT_FILE.

With --tls-cert/--tls-key it offers STARTTLS and requires it before anything but EHLO, NOOP and
QUIT (a client that sends MAIL or AUTH in clear text gets 530/538). With --auth-user/--auth-pass
it requires AUTH (only over TLS when TLS is on) and accepts exactly that user and password;
anything else gets 535.

Every step of every session goes to OUT_DIR/events.jsonl, one JSON object a line, each with
"tls" (whether the session was encrypted at that moment):
  ehlo         the client greeted
  tls          the STARTTLS handshake completed ("version": e.g. TLSv1.3)
  tls-failed   the STARTTLS handshake did not complete (e.g. the client refused our certificate)
  auth         an AUTH attempt ("user", "ok")
  refused      a command refused for lack of TLS or AUTH ("reply": the answer sent)
  held         a "slow..." message received, its reply held until the --hold file exists ("key")
  gone         a "slow..." message not stored: its client left before the reply ("key")
  accepted     a message stored ("file", "key", "rcpt", "user": who authenticated, or null)"""
import argparse
import asyncio
import email
import json
import os
import signal
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Log:
    def __init__(self, path):
        self.path, self.lock = path, threading.Lock()

    def __call__(self, ev, session, **kw):
        rec = {"ev": ev, "tls": session is not None and session.ssl is not None}
        rec.update(kw)
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def auth_user(session):
    if not session.authenticated:
        return None
    d = session.auth_data
    return d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d)


def client_gone(server):
    """Whether the client closed the connection: asyncio may not have read the end yet, so the
    socket itself is asked too (a peek that finds the end of the stream)."""
    t = server.transport
    if t is None or t.is_closing():
        return True
    sock = t.get_extra_info("socket")
    try:
        with socket.socket(fileno=os.dup(sock.fileno())) as s:
            return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


class Sink:
    def __init__(self, out, slow, hold, log):
        self.out, self.slow, self.hold, self.log, self.n, self.tries = out, slow, hold, log, 0, {}
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.log("ehlo", session, host=hostname)
        return responses

    def handle_STARTTLS(self, server, session, envelope):
        obj = session.ssl.get("ssl_object") if session.ssl else None
        self.log("tls", session, version=obj.version() if obj else None)
        return True

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        msg = email.message_from_bytes(envelope.content)
        key = msg.get("X-UT-Key", "")
        with self.lock:
            self.tries[key] = self.tries.get(key, 0) + 1
            tries = self.tries[key]
        if rcpt.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if rcpt.startswith("tempfail") and tries == 1:
            return "451 4.3.0 try again later"
        if rcpt.startswith("slow"):
            try:
                if self.hold:
                    self.log("held", session, key=key)
                    while not os.path.exists(self.hold):
                        await asyncio.sleep(0.02)
                else:
                    await asyncio.sleep(self.slow)
            except asyncio.CancelledError:  # aiosmtpd ends the session of a client that left
                self.log("gone", session, key=key)
                raise
            if client_gone(server):
                self.log("gone", session, key=key)
                return "421 gone"
        with self.lock:
            self.n += 1
            name = os.path.join(self.out, "%05d.eml" % self.n)
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.content)
        os.rename(name + ".tmp", name)
        self.log("accepted", session, file=os.path.basename(name), key=key, rcpt=rcpt, user=auth_user(session))
        return "250 2.0.0 OK"


class LoggingSMTP(SMTP):
    """aiosmtpd's server, telling the log about refusals and failed TLS handshakes, which it has
    no handler hooks for."""

    def __init__(self, *args, log, **kw):
        super().__init__(*args, **kw)
        self.log = log

    async def push(self, status):
        if status[:3] in ("530", "538", "554"):
            self.log("refused", self.session, reply=status)
        await super().push(status)

    async def smtp_STARTTLS(self, arg):
        try:
            await super().smtp_STARTTLS(arg)
        except BaseException as e:
            if self.session.ssl is None:
                self.log("tls-failed", self.session, error=repr(e.__cause__ or e))
            raise


class SinkController(Controller):
    def __init__(self, handler, log, **kw):
        super().__init__(handler, **kw)
        self.log = log

    def factory(self):
        return LoggingSMTP(self.handler, log=self.log, **self.SMTP_kwargs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--slow", type=float, default=3.0)
    ap.add_argument("--hold", help='hold the reply to "slow..." messages until this file exists')
    ap.add_argument("--tls-cert", help="PEM certificate: offer and require STARTTLS")
    ap.add_argument("--tls-key", help="its private key (PEM)")
    ap.add_argument("--auth-user", help="require AUTH as this user")
    ap.add_argument("--auth-pass", help="... with this password")
    a = ap.parse_args()
    if bool(a.tls_cert) != bool(a.tls_key) or bool(a.auth_user) != (a.auth_pass is not None):
        ap.error("--tls-cert goes with --tls-key, --auth-user with --auth-pass")
    os.makedirs(a.out, exist_ok=True)
    log = Log(os.path.join(a.out, "events.jsonl"))
    kw = {}
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kw.update(tls_context=ctx, require_starttls=True)
    if a.auth_user:
        want = (a.auth_user.encode(), a.auth_pass.encode())

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and (data.login, data.password) == want
            user = data.login.decode("utf-8", "replace") if isinstance(data, LoginPassword) else None
            log("auth", session, mechanism=mechanism, user=user, ok=ok)
            # a failure that is not handled gets aiosmtpd's "535 5.7.8 Authentication credentials invalid"
            return AuthResult(success=True, auth_data=user) if ok else AuthResult(success=False, handled=False)

        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(a.tls_cert))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = SinkController(Sink(a.out, a.slow, a.hold, log), log, hostname="127.0.0.1", port=port, **kw)
    c.start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(a.port_file + ".tmp", a.port_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):
        pass
    c.stop()


if __name__ == "__main__":
    main()
