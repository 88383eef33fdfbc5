"""What `casegraph serve` accepts from a connection before any query runs: who may ask (the Host,
Origin and Sec-Fetch-Site headers, against DNS rebinding and other sites' web pages), how long
a request may take to arrive, and how request text is made safe for the log."""
from __future__ import annotations

import io
import select
import socket
import time
from email.message import Message
from http import HTTPStatus

from casegraph.exchange.endpoint_query import Refused


def check_client(headers: Message, connection: socket.socket, allowed: frozenset[str], url: str) -> None:
    """Refuse (403) requests a web page in the analyst's browser makes: DNS rebinding, other origins.

    A page on attacker.example whose name is made to resolve to 127.0.0.1 reaches the server as
    the same origin as itself, so the browser lets it read the answers; its requests still say
    ``Host: attacker.example``. Requests that say no Host (HTTP/1.0 clients) are not from a browser.
    """
    hosts = headers.get_all("Host") or []
    if len(hosts) > 1:
        raise Refused(HTTPStatus.BAD_REQUEST, "more than one Host header")
    host = hosts[0].strip().lower() if hosts else None
    allowed = allowed | _own_address(connection)
    if host is not None and host not in allowed:
        raise Refused(HTTPStatus.FORBIDDEN, f"refused: Host {escape(host, 100)} is not this server; address it "
                      f"as {url} (a web page on another site cannot query casegraph serve)")
    origin = headers.get("Origin")
    if origin is not None and origin.strip().lower() not in {f"http://{h}" for h in ([host] if host else allowed)}:
        raise Refused(HTTPStatus.FORBIDDEN, f"refused: a cross-origin request (Origin {escape(origin, 100)}); "
                      "casegraph serve answers no web page of another site")
    site = (headers.get("Sec-Fetch-Site") or "none").strip().lower()
    if site not in ("none", "same-origin"):
        raise Refused(HTTPStatus.FORBIDDEN, f"refused: a request from a {escape(site, 20)} web page; "
                      "casegraph serve answers no web page of another site")


class DeadlineReader(io.RawIOBase):
    """The connection's bytes until a deadline (then TimeoutError): a client sending a byte now and
    then cannot hold a thread longer than the read timeout."""

    def __init__(self, connection: socket.socket, deadline: float):
        self._connection, self._deadline = connection, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._connection.settimeout(remaining)
        return self._connection.recv_into(buffer)


def client_gone(connection: socket.socket) -> bool:
    """True if the client has closed its end (it gave up waiting): readable, yet nothing to read."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):  # reset by the client, or already closed
        return True


def allowed_hosts(host: str, port: int, loopback: bool) -> frozenset[str]:
    """Host header values that name this server: loopback names, the address it was bound to by
    name or number, and (listening beyond loopback) this machine's name; each with the port."""
    names = {"localhost", "127.0.0.1", "[::1]", f"[{host.lower()}]" if ":" in host else host.lower()}
    if not loopback:
        names.add(socket.gethostname().lower())
    return frozenset({f"{name}:{port}" for name in names} | (names if port == 80 else set()))


def _own_address(connection: socket.socket) -> set[str]:
    """The address this connection arrived at, as a Host (a server on 0.0.0.0 addressed by number)."""
    address, port = connection.getsockname()[:2]
    address = address.lower().removeprefix("::ffff:")
    return {f"[{address}]:{port}" if ":" in address else f"{address}:{port}"}


def escape(text: str, limit: int = 200) -> str:
    r"""Text safe to put in one log line: unprintable characters (NUL, escape sequences, line
    breaks, bidirectional controls) as Python-style escapes, quotes and backslashes escaped.

    >>> print(escape('/sp\x00ar\x1b[2Jql "x"\n'))
    /sp\x00ar\x1b[2Jql \"x\"\n
    """
    out = []
    for char in text[:limit]:
        if char in '"\\':
            out.append("\\" + char)
        elif "\udc80" <= char <= "\udcff":  # a byte that was not UTF-8
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out) + ("..." if len(text) > limit else "")


def as_received(text: str) -> str:
    """http.server decodes the request line as Latin-1: the characters the client meant (UTF-8)."""
    return text.encode("latin-1", "replace").decode("utf-8", "surrogateescape")
