#!/usr/bin/env python3
"""A test "browser" for oauth-setup's sign-in tests, reached through $BROWSER: it opens the
authorization URL, signs in and consents on oidc-provider's pages over HTTP as a user would, and
then, like a real browser, goes to the loopback callback the server redirects to.

It also completes a device-grant sign-in when given the verification_uri_complete.

FAKE_BROWSER_MODE: consent (default) | deny (aborts at the consent page) | capture (stops before
the callback and only records its URL, as when the browser is on another machine) | idle (opens
nothing). FAKE_BROWSER_LOG: a file that gets one line per event (the callback URL, its status).
"""
import http.cookiejar
import html.parser
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.links = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "inputs": {}})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value") or ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


class Redirects(urllib.request.HTTPRedirectHandler):
    """Follows the server's own redirects; stops at the one that leaves it (the callback)."""

    def __init__(self, origin):
        self.origin, self.callback = origin, None

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parsed = urllib.parse.urlsplit(newurl)
        if (parsed.scheme, parsed.netloc) != self.origin:
            self.callback = newurl
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def log(line):
    path = os.environ.get("FAKE_BROWSER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def main(url):
    mode = os.environ.get("FAKE_BROWSER_MODE", "consent")
    log(f"opened {url}")
    if mode == "idle":
        return
    split = urllib.parse.urlsplit(url)
    redirects = Redirects((split.scheme, split.netloc))
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), redirects
    )
    data = None
    for _ in range(12):
        try:
            resp = opener.open(url, data)
        except urllib.error.HTTPError as e:
            if redirects.callback is None:
                log(f"server-error {e.code} {e.read()[:300]!r}")
                return
            break
        page = resp.read().decode("utf-8", "replace")
        forms = Forms()
        forms.feed(page)
        post = [f for f in forms.forms if f["action"]]
        if not post:
            # A page with nothing to submit: the device grant's "signed in" page.
            log(f"done {resp.geturl()}")
            return
        form = post[0]
        fields = dict(form["inputs"])
        if "user_code" in fields and mode == "deny":
            fields["abort"] = "yes"
        elif fields.get("prompt") == "consent" and mode == "deny":
            abort = [h for h in forms.links if "abort" in h]
            url, data = urllib.parse.urljoin(resp.geturl(), abort[0]), None
            continue
        if fields.get("prompt") == "login":
            fields.update(login="alice", password="any-password")
        url = urllib.parse.urljoin(resp.geturl(), form["action"])
        data = urllib.parse.urlencode(fields).encode()
    callback = redirects.callback
    log(f"callback {callback}")
    if mode == "capture":
        return
    log(f"callback-at {time.time():.6f}")
    try:
        with urllib.request.urlopen(callback) as resp:
            log(f"status {resp.status} {resp.headers.get('Referrer-Policy')} {resp.headers.get('Cache-Control')}")
    except urllib.error.HTTPError as e:
        log(f"status {e.code}")
    except urllib.error.URLError as e:
        log(f"unreachable {e.reason}")


if __name__ == "__main__":
    main(sys.argv[1])
