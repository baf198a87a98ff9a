#!/usr/bin/env python3
"""An independent AXE client (Python 3 standard library only) used to prove that non-TypeScript clients work
against the simulator. It signs with its own implementation of the current (AKSK, HMAC-SHA256) and legacy
(WSSE, SHA-256 hex and raw) PasswordDigest formulas and drives bind -> query -> modify -> list -> call ->
unbind -> recording URL for each scheme. Prints one "OK <scheme>" line per scheme; exits 1 on any mismatch."""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import sys
import urllib.parse
import uuid
from datetime import datetime, timezone


def password_digest(scheme, secret, nonce, created):
    if scheme == "aksk":
        mac = hmac.new(secret.encode("utf-8"), (nonce + created).encode("utf-8"), hashlib.sha256)
        return base64.b64encode(mac.digest()).decode("ascii")
    sha = hashlib.sha256((nonce + created + secret).encode("utf-8"))
    if scheme == "wsse-hex":
        return base64.b64encode(sha.hexdigest().encode("ascii")).decode("ascii")
    if scheme == "wsse-raw":
        return base64.b64encode(sha.digest()).decode("ascii")
    raise ValueError("unknown scheme " + scheme)


def auth_headers(scheme, app_key, secret, separator=","):
    nonce = uuid.uuid4().hex
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = password_digest(scheme, secret, nonce, created)
    family = "AKSK" if scheme == "aksk" else "WSSE"
    token = separator.join(
        [
            'UsernameToken Username="%s"' % app_key,
            'PasswordDigest="%s"' % digest,
            'Nonce="%s"' % nonce,
            'Created="%s"' % created,
        ]
    )
    return {
        "Authorization": '%s realm="SDP",profile="UsernameToken",type="Appkey"' % family,
        "X-" + family: token,
        "Content-Type": "application/json;charset=UTF-8",
    }


class Client:
    def __init__(self, base_url, app_key, secret, scheme, separator=","):
        parsed = urllib.parse.urlparse(base_url)
        self.host = parsed.hostname
        self.port = parsed.port
        self.app_key = app_key
        self.secret = secret
        self.scheme = scheme
        self.separator = separator

    def request(self, method, path, query=None, body=None, signed=True, secret=None):
        # quote() turns "+" into "%2B", as the platform requires for numbers in query strings.
        qs = "&".join(
            "%s=%s" % (k, urllib.parse.quote(str(v), safe="")) for k, v in (query or {}).items()
        )
        target = path + ("?" + qs if qs else "")
        headers = (
            auth_headers(self.scheme, self.app_key, secret or self.secret, self.separator)
            if signed
            else {"Content-Type": "application/json"}
        )
        data = json.dumps(body).encode("utf-8") if body is not None else None
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, target, body=data, headers=headers)
            res = conn.getresponse()
            raw = res.read()
            return res.status, dict(res.getheaders()), raw
        finally:
            conn.close()

    def platform(self, method, path, query=None, body=None, secret=None):
        status, headers, raw = self.request(method, path, query, body, secret=secret)
        return status, (json.loads(raw) if raw else {}), headers


def check(condition, message):
    if not condition:
        print("FAIL: " + message, file=sys.stderr)
        sys.exit(1)


V1 = "/rest/caas/extendnumber/v1.0"
V2 = "/rest/caas/extendnumber/v2.0"
RECORD = "/rest/provision/voice/record/v1.0"


def run_scheme(args, scheme, index):
    separator = ", " if scheme == "wsse-raw" else ","
    c = Client(args.url, args.app_key, args.app_secret, scheme, separator)
    a_number = "+861380000%04d" % (7000 + index)
    b_number = "+861390000%04d" % (7000 + index)

    status, body, _ = c.platform(
        "POST", V1, body={"virtualNum": args.virtual_num, "bindNum": a_number, "recordFlag": "true", "userData": "py"}
    )
    check(status == 200 and body.get("resultcode") == "0", "%s bind: %s %s" % (scheme, status, body))
    sid, ext = body["subscriptionId"], body["extendNum"]

    status, body, _ = c.platform("GET", V1, {"virtualNum": args.virtual_num, "extendNum": ext})
    check(body.get("bindNum") == a_number and body.get("userData") == "py", "%s query: %s" % (scheme, body))

    status, body, _ = c.platform("PUT", V1, body={"subscriptionId": sid, "userData": "py-modified"})
    check(body.get("resultcode") == "0", "%s modify: %s" % (scheme, body))
    status, body, _ = c.platform("GET", V1, {"subscriptionId": sid})
    check(body.get("userData") == "py-modified", "%s query after modify: %s" % (scheme, body))

    status, body, _ = c.platform("GET", V2, {"virtualNum": args.virtual_num, "limit": 100})
    listed = [b.get("subscriptionId") for b in body.get("bindingList", [])]
    check(body.get("resultcode") == "0" and sid in listed, "%s list: %s" % (scheme, body))

    # A recorded call through the control API, then the CDR from the deliveries log.
    status, _, raw = c.request(
        "POST",
        "/simulator/calls",
        body={"caller": b_number, "virtualNum": args.virtual_num, "digits": ext, "talkSeconds": 10},
        signed=False,
    )
    check(status == 200, "%s simulate call: %s %s" % (scheme, status, raw))
    session_id = json.loads(raw)["sessionId"]
    c.request("POST", "/simulator/clock/advance", body={"ms": 120000}, signed=False)
    status, _, raw = c.request("GET", "/simulator/deliveries", {"kind": "fee"}, signed=False)
    cdrs = [cdr for d in json.loads(raw)["deliveries"] for cdr in d["body"]["feeLst"] if cdr["sessionId"] == session_id]
    check(len(cdrs) >= 1 and cdrs[0].get("recordFlag") == 1, "%s CDR: %s" % (scheme, cdrs))
    domain, file_name = cdrs[0]["recordDomain"], cdrs[0]["recordObjectName"]

    status, body, _ = c.platform("DELETE", V1, {"subscriptionId": sid})
    check(body.get("resultcode") == "0", "%s unbind: %s" % (scheme, body))
    status, body, _ = c.platform("GET", V1, {"subscriptionId": sid})
    check(body.get("resultcode") == "1012007", "%s query after unbind: %s" % (scheme, body))

    status, headers, _ = c.request("GET", RECORD, {"recordDomain": domain, "fileName": file_name})
    location = headers.get("Location") or headers.get("location")
    check(status == 301 and location, "%s recording URL: %s %s" % (scheme, status, headers))
    parsed = urllib.parse.urlparse(location)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", parsed.path)
    res = conn.getresponse()
    wav = res.read()
    conn.close()
    check(res.status == 200 and wav[:4] == b"RIFF" and wav[8:12] == b"WAVE", "%s WAV download" % scheme)

    status, body, _ = c.platform("GET", V1, {"subscriptionId": sid}, secret=args.app_secret + "-wrong")
    check(status == 401 and body.get("resultcode") == "1010010", "%s wrong secret: %s %s" % (scheme, status, body))
    print("OK " + scheme)


def self_check(path):
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    for case in vectors["cases"]:
        for scheme, expected in case["passwordDigest"].items():
            got = password_digest(scheme, case["appSecret"], case["nonce"], case["created"])
            check(got == expected, "vector %s/%s: %s != %s" % (case["appKey"], scheme, got, expected))
    print("OK vectors")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--app-key", required=True)
    parser.add_argument("--app-secret", required=True)
    parser.add_argument("--virtual-num", required=True)
    parser.add_argument("--vectors", help="known-answer vectors to check this implementation against first")
    parser.add_argument("--schemes", default="aksk,wsse-hex,wsse-raw")
    args = parser.parse_args()
    if args.vectors:
        self_check(args.vectors)
    for index, scheme in enumerate(args.schemes.split(",")):
        run_scheme(args, scheme, index)


if __name__ == "__main__":
    main()
