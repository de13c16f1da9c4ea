#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for the notification tests (aiosmtpd). It stores each message it
accepts as a file in OUT_DIR and behaves by recipient: "tempfail..." answers 451 to the first
attempt of each message and 250 to the next, "reject..." answers 550, "slow..." waits SLOW
seconds before accepting (a client that goes away meanwhile gets nothing stored, as SMTP says:
the server takes responsibility only with its 250). Writes its port to PORT_FILE."""
import argparse
import asyncio
import email
import os
import signal
import socket
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, slow):
        self.out, self.slow, self.n, self.tries = out, slow, 0, {}
        self.lock = threading.Lock()

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
            await asyncio.sleep(self.slow)
            if session.peer is None or server.transport is None or server.transport.is_closing():
                return "421 gone"
        with self.lock:
            self.n += 1
            name = os.path.join(self.out, "%05d.eml" % self.n)
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.content)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--slow", type=float, default=3.0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = Controller(Sink(a.out, a.slow), hostname="127.0.0.1", port=port)
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
