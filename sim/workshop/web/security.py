"""Who is asking, and how often: join codes, rate limits and request-size limits.

- **Join codes.** Every role of a game gets one random code (``secrets.token_urlsafe``,
  16 bytes). A browser joins with ``/play?code=...``; every callback sends the page's URL
  and the server maps the code to its role again. A role is never taken from what the
  browser says: a code that matches nothing is no role at all. Codes are compared in
  constant time (:func:`hmac.compare_digest`) against every known code, without stopping
  at the first match.
- **Rates.** A token bucket per code and client address (or per address when the
  request carries no valid code): ``burst`` requests at once, refilled at ``rate`` per
  second; a poll of ``/api/state`` costs a tenth of a request. Over the limit the server
  answers 429.
- **Sizes.** Flask's ``MAX_CONTENT_LENGTH`` bounds a request's body (413 beyond it).
- **Asset paths.** A path under ``/_dash-component-suites/`` or ``/assets/`` that names
  no file the app serves (an unregistered file, ``..``, a NUL or other control character,
  bytes that are not UTF-8, a folder, more than :data:`MAX_ASSET_PATH` characters, a
  registered file missing from its package) answers 404 with a line of text, not Dash's
  page and not a 500.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from dash.exceptions import DependencyException
from flask import Flask, Response, request

CODE_BYTES = 16
MAX_CONTENT_LENGTH = 64 * 1024
DEFAULT_RATE, DEFAULT_BURST = 20.0, 60.0
STATE_PATH = "/api/state"
LIVE_PATH = "/api/live"
STATE_POLL_COST = 0.1
"""What one question to ``/api/state`` (a few bytes, nothing built) takes from a bucket:
a page asks again after every change and every 10 s, so fifteen observer screens behind
one address (a NAT) stay within it."""
MAX_BUCKETS = 10_000
ASSET_PREFIXES = ("/_dash-component-suites/", "/assets/")
MAX_ASSET_PATH = 512
NO_FILE = "There is no such file."


def new_code() -> str:
    """A fresh random join code (URL-safe text, 16 random bytes)."""
    return secrets.token_urlsafe(CODE_BYTES)


def game_roles(teams: Iterable[str]) -> list[str]:
    """The roles of a game with these team-played actors, in the order they are listed."""
    return ["control", *(f"team:{a}" for a in teams), "observer", "projector"]


class JoinCodes:
    """The join codes of one served game: one random code per role, kept server-side."""

    def __init__(self, roles: Iterable[str], codes: dict[str, str] | None = None) -> None:
        given = codes or {}
        self._by_role: dict[str, str] = {r: given.get(r) or new_code() for r in roles}
        if len(set(self._by_role.values())) != len(self._by_role):
            raise ValueError("every role needs its own join code")

    @property
    def roles(self) -> list[str]:
        """The roles that have a code."""
        return list(self._by_role)

    def code(self, role: str) -> str:
        """The code of ``role`` (to print it for the room)."""
        return self._by_role[role]

    def role_for(self, code: str | None) -> str | None:
        """The role whose code is ``code``, or None. Constant-time: every code is compared
        with :func:`hmac.compare_digest`, and the loop never stops early."""
        if not code or not isinstance(code, str) or len(code) > 200:
            return None
        given = code.encode("utf-8", "replace")
        found: str | None = None
        for role, known in self._by_role.items():
            if hmac.compare_digest(given, known.encode("ascii")):
                found = role
        return found

    def role_for_search(self, search: str | None) -> str | None:
        """The role named by a page URL's query string (``?code=...``), or None."""
        return self.role_for(code_from_search(search))


def code_from_search(search: str | None) -> str | None:
    """The ``code`` parameter of a URL query string (with or without the leading '?')."""
    if not search or not isinstance(search, str) or len(search) > 1000:
        return None
    values = parse_qs(search.lstrip("?")).get("code")
    return values[0] if values else None


class RateLimiter:
    """Token buckets, one per key: ``burst`` requests at once, ``rate`` more per second."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: float = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self._clock = float(rate), float(burst), clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens from ``key``'s bucket; False when it has fewer."""
        now = self._clock()
        with self._lock:
            if key not in self._buckets and len(self._buckets) >= MAX_BUCKETS:
                self._buckets.clear()  # bounded memory: unknown keys cannot grow it forever
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - cost, now)
            return True


def request_code() -> str | None:
    """The join code a request carries: ``?code=`` on a page, or the page URL that a Dash
    callback sends along (its ``url.search`` input or state). Only used to pick the rate
    bucket: the role itself is decided again inside every callback."""
    code = request.args.get("code")
    if code:
        return code
    if request.method != "POST" or not request.is_json:
        return None
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    for key in ("inputs", "state"):
        for item in body.get(key) or []:
            if (
                isinstance(item, dict)
                and item.get("id") == "url"
                and item.get("property") == "search"
            ):
                return code_from_search(item.get("value"))
    return None


def install_guards(
    server: Flask, codes: JoinCodes, limiter: RateLimiter, max_bytes: int = MAX_CONTENT_LENGTH
) -> None:
    """Bound request sizes and rates on the Flask server, and answer errors in words."""
    server.config["MAX_CONTENT_LENGTH"] = max_bytes

    @server.before_request
    def _limit() -> Response | None:
        length = request.content_length
        if length is not None and length > max_bytes:
            return _plain(413, "The request is too large.")
        code = request_code()
        # One bucket per code and client: the laptops of a team, or the observers of a
        # room, who share a code, do not share a bucket.
        addr = request.remote_addr
        key = f"code:{code}@{addr}" if codes.role_for(code) else f"addr:{addr}"
        cost = STATE_POLL_COST if request.path == STATE_PATH else 1.0
        if not limiter.allow(key, cost):
            return _plain(429, "Too many requests: wait a moment and try again.")
        return None

    @server.before_request
    def _assets() -> Response | None:
        if is_malformed_asset_path(request.path):
            return _plain(404, NO_FILE)
        return None

    # Dash raises these for a component-suite path that names no file it registered, or
    # a registered file its package does not ship (some source maps): the browser asked
    # for something that does not exist, which is no server error.
    server.register_error_handler(DependencyException, _handler(404, NO_FILE))

    @server.errorhandler(FileNotFoundError)
    def _missing(error: FileNotFoundError) -> Response:
        if request.path.startswith(ASSET_PREFIXES):
            return _plain(404, NO_FILE)
        raise error  # anywhere else: Flask's own handling (logged, then the 500 below)

    @server.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    for status, text in (
        (400, "The request could not be read."),
        (404, "There is no such page. Join with the URL and code the white cell gave you."),
        (405, "That request is not allowed here."),
        (413, "The request is too large."),
        (429, "Too many requests: wait a moment and try again."),
        (500, "Something went wrong on the server; the game itself was not changed."),
    ):
        server.register_error_handler(status, _handler(status, text))


def is_malformed_asset_path(path: str) -> bool:
    """Whether ``path`` (a request's decoded path) is under an asset prefix but cannot name
    a file there: a folder, a ``.`` or ``..`` segment, a control character or backslash,
    bytes that were not UTF-8 (decoded as U+FFFD), or too long."""
    if path.rstrip("/") in (p.rstrip("/") for p in ASSET_PREFIXES):
        return True
    if not path.startswith(ASSET_PREFIXES):
        return False
    if len(path) > MAX_ASSET_PATH or path.endswith("/"):
        return True
    if any(ord(c) < 32 or c in "\\\x7f\ufffd" for c in path):
        return True
    parts = path.split("/")[2:]  # "/_dash-component-suites/dash/x.js" -> dash, x.js
    if path.startswith(ASSET_PREFIXES[0]) and len(parts) < 2:
        return True  # a package and no file in it
    return any(part in ("", ".", "..") for part in parts)


def _handler(status: int, text: str) -> Callable[[object], Response]:
    def handle(_error: object) -> Response:
        return _plain(status, text)

    return handle


def _plain(status: int, text: str) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain")
