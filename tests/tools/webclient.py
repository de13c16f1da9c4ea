#!/usr/bin/python3
"""A client of ut-webd over real HTTP, for tests/integration/test_web_api.sh.

webclient.py BASE get PATH              print the status and the body of GET PATH
webclient.py BASE status COOKIE PATH    POST {} to PATH with the session saved in COOKIE; print the status
webclient.py BASE call NAME PASSWORD NOUN VERB JSON
                                        sign in, POST the request; print the status and the reply
webclient.py BASE expires NAME PASSWORD
                                        sign in and keep calling until the session ends (30 s at most)
webclient.py BASE idle NAME PASSWORD DB IDLE_S
                                        sign in, call, wait past the idle deadline ut-webd's DB
                                        holds; the next call must be refused
webclient.py BASE scenario DIR          sign in with the test's accounts and check the API, one
                                        "ok - ..." or "FAIL - ..." line per check; exit 1 on a failure
"""
import http.client
import json
import time
import os
import ssl
import sys
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
failed = 0


def say(good, what, detail=""):
    global failed
    if good:
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - %s%s" % (what, ": " + detail if detail else ""))


def connection():
    if BASE.scheme != "https":
        return http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=30)
    # the node's own certificate, checked for real: its name must be the address we dial
    ctx = ssl.create_default_context(cafile=os.environ["UT_WEB_CA"])
    return http.client.HTTPSConnection(BASE.hostname, BASE.port, timeout=30, context=ctx)


def request(method, path, body=None, cookie=None, csrf=None, raw=None, headers=None):
    c = connection()
    h = dict(headers or {})
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        h["Content-Type"] = "application/json"
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read()
    c.close()
    try:
        j = json.loads(text)
    except ValueError:
        j = None
    return r.status, j, r.getheader("Set-Cookie") or "", r.getheader("Content-Type") or "", text


class Session:
    def __init__(self, name, password):
        self.status, self.reply, set_cookie, _, _ = request("POST", "/api/login", {"name": name, "password": password})
        self.set_cookie = set_cookie
        self.cookie = set_cookie.split(";")[0] if set_cookie else ""
        self.csrf = (self.reply or {}).get("csrf", "")

    def call(self, noun, verb, body=None, csrf=True):
        s, j, _, _, _ = request("POST", "/api/%s/%s" % (noun, verb), body if body is not None else {}, self.cookie,
                                self.csrf if csrf else None)
        return s, j


def scenario(d):
    s, j, _, ctype, _ = request("GET", "/api/course/list")
    say(s == 405 and ctype.startswith("application/json") and j.get("error") == "method",
        "GET on the API: 405 as JSON", "%s %s" % (s, j))
    s, j, _, _, _ = request("POST", "/api/course/list", {})
    say(s == 401 and j["error"] == "not_signed_in", "not signed in: 401", "%s %s" % (s, j))

    bad = Session("wang.li", "wrong password here")
    say(bad.status == 401 and not bad.cookie, "a wrong password: 401, no cookie", "%s %s" % (bad.status, bad.reply))
    nobody = Session("nobody", "whatever it is")
    say(nobody.status == 401 and nobody.reply["message"] == bad.reply["message"],
        "an unknown account is answered like a wrong password", str(nobody.reply))

    officer = Session("wang.li", "officer password 1")
    say(officer.status == 200 and officer.reply["role"] == "officer" and officer.reply["locale"] == "zh-Hans",
        "the officer signs in", str(officer.reply))
    flags = [f.strip() for f in officer.set_cookie.split(";")]
    say("HttpOnly" in flags and "SameSite=Strict" in flags and "Path=/" in flags and
        ("Secure" in flags) == (BASE.scheme == "https"), "cookie flags HttpOnly, SameSite=Strict, Secure over HTTPS",
        officer.set_cookie)
    say(len(officer.cookie.split("=", 1)[1]) == 64, "the token is 256 random bits in hex", officer.cookie)

    s, j = officer.call("course", "add", {"code": "WEB-1", "title": "Added on the web", "category": "safety"})
    say(s == 200 and j["code"] == "WEB-1" and j["id"] > 0, "course add through the API", "%s %s" % (s, j))
    s, j = officer.call("course", "add", {"code": "WEB-2", "title": "No token", "category": "safety"}, csrf=False)
    say(s == 403 and j["error"] == "csrf", "a change without the CSRF token: 403", "%s %s" % (s, j))
    s, j = officer.call("course", "add", {"code": "WEB-1", "title": "Again", "category": "safety"})
    say(s == 409 and j["error"] == "conflict" and "WEB-1" in j["args"] and j["code"], "a duplicate: 409 with code and arguments",
        "%s %s" % (s, j))
    s, j = officer.call("course", "add", {"code": "WEB-3", "title": "x", "category": "cooking"})
    say(s == 400 and j["error"] == "invalid", "a bad value: 400 from the daemon", "%s %s" % (s, j))
    s, j = officer.call("course", "add", {"code": 5})
    say(s == 400 and "code" in j["message"], "a wrong type: 400 naming the field", "%s %s" % (s, j))
    s, j = officer.call("course", "add", {"cod": "X"})
    say(s == 400 and "cod" in j["message"], "an unknown field: 400 naming it", "%s %s" % (s, j))
    s, j = officer.call("class", "add", {"words": ["--course", "WEB-1", "--capacity", "30",
                                                   "--session", "2027-03-05 09:00-11:00"]})
    say(s == 200 and j.get("id", 0) > 0, "class add with utctl's words (the course by its code)", "%s %s" % (s, j))
    cls = str(j.get("id", 0))
    pasted = "Nguyễn Văn An\nC002\nNo Such Person\n"
    s, j = officer.call("enrol", "bulk", {"words": [cls, "--file", "pasted"], "files": {"pasted": pasted}})
    say(s == 200 and j.get("confirmed") == 2 and "No Such Person" in j.get("notes", ""),
        "enrol a pasted list of names and ids: the known ones enrolled, the unknown one noted", "%s %s" % (s, j))
    s, j = officer.call("enrol", "list", {"words": ["--class", cls]})
    say(s == 200 and sorted(e["cadre_name"] for e in j["enrolments"]) == ["Nguyễn Văn An", "Trần Thị Bình"],
        "the roster names its cadres", "%s %s" % (s, j))
    s, j = officer.call("enrol", "bulk", {"words": [cls, "--file", "missing"], "files": {}})
    say(s == 400 and "missing" in j["message"], "words naming a file the body lacks: 400", "%s %s" % (s, j))
    s, j = officer.call("class", "add", {"words": ["--course", "NOSUCH", "--capacity", "30"]})
    say(s == 400 and "NOSUCH" in j["message"], "words naming nothing: 400 naming it", "%s %s" % (s, j))
    s, j = officer.call("course", "list")
    say(s == 200 and sorted(c["code"] for c in j["courses"]) == ["LAW", "WEB-1"], "course list as JSON", "%s %s" % (s, j))
    s, j = officer.call("user", "list")
    say(s == 403 and j["error"] == "forbidden", "an officer may not list accounts", "%s %s" % (s, j))
    s, j = officer.call("nosuch", "verb")
    say(s == 404 and j["error"] == "not_found", "an unknown command: 404", "%s %s" % (s, j))

    s, j, _, _, _ = request("POST", "/api/course/list", raw=b"{not json", cookie=officer.cookie, csrf=officer.csrf)
    say(s == 400 and "not JSON" in j["message"], "malformed JSON: 400", "%s %s" % (s, j))
    s, j, _, _, _ = request("POST", "/api/course/list", raw=b"[1]", cookie=officer.cookie, csrf=officer.csrf)
    say(s == 400 and "object" in j["message"], "a body that is no object: 400", "%s %s" % (s, j))
    s, j, _, _, _ = request("POST", "/api/course/add", raw=b'{"title":"' + b"x" * 9000 + b'"}', cookie=officer.cookie,
                            csrf=officer.csrf)
    say(s == 413 and j["error"] == "too_large", "an oversize body: 413", "%s %s" % (s, j))
    s, j, _, _, _ = request("PUT", "/index.html")
    say(s == 405 and j["error"] == "method", "PUT on a page: 405", "%s %s" % (s, j))
    s, j, _, _, _ = request("GET", "/../../etc/passwd")
    say(s == 400 and j["error"] == "invalid", "'..' in a page's path: 400", "%s %s" % (s, j))
    s, j, _, _, _ = request("GET", "/nosuch.html")
    say(s == 404, "a missing page: 404", str(s))
    s, _, _, ctype, text = request("GET", "/")
    say(s == 200 and ctype.startswith("text/html") and b"console.js" in text, "the console's page", "%s %s" % (s, ctype))
    s, _, _, ctype, _ = request("GET", "/console.js")
    say(s == 200 and ctype.startswith("text/javascript"), "its module", "%s %s" % (s, ctype))

    viewer = Session("an.nguyen", "viewer password 1")
    s, j = viewer.call("course", "list")
    say(s == 200 and len(j["courses"]) == 2, "a viewer reads", "%s %s" % (s, j))
    s, j = viewer.call("course", "add", {"code": "WEB-4", "title": "Viewer's", "category": "safety"})
    say(s == 403 and j["error"] == "forbidden" and "viewer" in j["message"], "a viewer's change is refused by the server",
        "%s %s" % (s, j))
    open(d + "/viewer.cookie", "w").write(viewer.cookie)

    s, j, _, _, _ = request("POST", "/api/session", {}, officer.cookie)
    say(s == 200 and j["name"] == "wang.li" and j["csrf"] == officer.csrf, "the session as the page sees it", str(j))
    s, j, _, _, _ = request("POST", "/api/logout", {}, officer.cookie, officer.csrf)
    say(s == 200, "sign out", str(j))
    s, j = officer.call("course", "list")
    say(s == 401, "the token is no good after signing out", "%s %s" % (s, j))

    # the sign-in limit: five failures in a row lock the account, even for the right password
    for _ in range(5):
        Session("boss", "not the password")
    locked = Session("boss", "long enough secret")
    say(locked.status == 429 and locked.reply["error"] == "too_many", "the sign-in limit holds", "%s %s" % (locked.status, locked.reply))
    print("ok - done")


def main():
    cmd = sys.argv[2]
    if cmd == "get":
        s, _, _, _, text = request("GET", sys.argv[3])
        print(s)
        sys.exit(0 if s == 200 else 1)
    if cmd == "status":
        cookie = open(sys.argv[3]).read().strip()
        print(request("POST", sys.argv[4], {}, cookie)[0])
        return
    if cmd == "call":
        who = Session(sys.argv[3], sys.argv[4])
        s, j = who.call(sys.argv[5], sys.argv[6], json.loads(sys.argv[7]))
        print(s, json.dumps(j, ensure_ascii=False))
        sys.exit(0 if s == 200 else 1)
    if cmd == "expires": # a session that is used ends at its longest life all the same
        who = Session(sys.argv[3], sys.argv[4])
        start, deadline = time.monotonic(), time.monotonic() + 30
        while time.monotonic() < deadline:
            s, _ = who.call("course", "list", {})
            if s == 401:
                print("ended %.1f s after sign-in, %s" % (time.monotonic() - start, who.set_cookie.split("; ")[-1]))
                sys.exit(0)
            time.sleep(0.2)
        print("still signed in after 30 s")
        sys.exit(1)
    if cmd == "idle": # one left alone ends once idle_s have passed since its last use (read from ut-webd.db)
        import sqlite3
        who, idle = Session(sys.argv[3], sys.argv[4]), float(sys.argv[6])
        s, _ = who.call("course", "list", {})
        db = sqlite3.connect(sys.argv[5])
        last_ms = db.execute("SELECT max(last_ms) FROM sessions").fetchone()[0]
        db.close()
        wait = last_ms / 1000 + idle + 0.3 - time.time()
        if wait > 0:
            time.sleep(wait) # the deadline the server keeps, not a guess
        s2, j = who.call("course", "list", {})
        print(s, s2)
        sys.exit(0 if s == 200 and s2 == 401 else 1)
    if cmd == "scenario":
        scenario(sys.argv[3])
        sys.exit(1 if failed else 0)


main()
