"""Feed servers on this machine that misbehave on purpose: trickling bytes, redirecting, over TLS."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

# What a trickling server is slow in (see TrickleServer).
TRICKLES = ("status", "headers", "body", "chunks", "silent")


class TrickleServer:
    """A threaded socket server on 127.0.0.1 that serves ``body``, quickly or not.

    ``mode`` (changeable between requests):
      - "ok": the whole response at once;
      - "status": the status line itself, one byte every ``every`` seconds;
      - "headers": the status line, then one byte of a header every ``every`` seconds;
      - "body": the headers (with a Content-Length), then one byte of the body at a time;
      - "chunks": a chunked body, in chunks of one byte;
      - "silent": accepts the connection and says nothing.

    Each byte comes well within any read timeout, so only a deadline over the whole fetch
    ends it. ``closed`` counts the connections the client has closed.
    """

    def __init__(self, body: bytes, *, mode: str = "ok", every: float = 0.2) -> None:
        self.body = body
        self.mode = mode
        self.every = every
        self.requests = 0
        self.closed = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str = "/cal.ics") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> TrickleServer:
        self._spawn(self._accept)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def __enter__(self) -> TrickleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)  # the request (small, and sent at once)
                self.requests += 1
                self._respond(conn)
            except OSError:  # the client went away: what a deadline is for
                self.closed += 1
                return
            conn.settimeout(0.1)
            while not self._stop.is_set():  # a quiet connection, until the client closes it
                try:
                    if not conn.recv(1):
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break
            self.closed += 1

    def _respond(self, conn: socket.socket) -> None:
        mode, body = self.mode, self.body
        if mode == "ok":
            conn.sendall(self._head(len(body)) + body)
        elif mode == "status":
            self._trickle(conn, b"HTTP/1.1 200 OK\r\n" * 1000)
        elif mode == "headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            self._trickle(conn, b"X-Slow: " + b"z" * 100_000)
        elif mode == "body":
            conn.sendall(self._head(len(body) * 1000))
            self._trickle(conn, body * 1000)
        elif mode == "chunks":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            for byte in body * 1000:
                if self._stop.wait(self.every):
                    return
                conn.sendall(b"1\r\n" + bytes([byte]) + b"\r\n")
        elif mode == "silent":
            pass  # what follows waits, saying nothing, until the client closes
        else:
            raise ValueError(mode)

    def _head(self, length: int) -> bytes:
        return (
            f"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: {length}\r\n\r\n"
        ).encode()

    def _trickle(self, conn: socket.socket, data: bytes) -> None:
        for index in range(len(data)):
            if self._stop.wait(self.every):
                return
            conn.sendall(data[index : index + 1])


@contextlib.contextmanager
def trickling(body: bytes, mode: str, every: float = 0.2) -> Iterator[TrickleServer]:
    with TrickleServer(body, mode=mode, every=every) as server:
        yield server


def this_machines_private_address() -> str | None:
    """An address of this machine outside loopback, on a private network (None when there is
    none): the "local network" a redirect from loopback must not reach, and the reverse."""
    import ipaddress

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.254", 9))  # sends nothing: picks the outgoing address
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    ip = ipaddress.ip_address(address)
    return address if not ip.is_loopback and not ip.is_global and not ip.is_link_local else None


def tls_certificate(folder: Path, *addresses: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for ``addresses`` (IPs or names): the server's context and a
    client context that trusts it."""
    from datetime import UTC, datetime, timedelta
    from ipaddress import ip_address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def san(address: str) -> x509.GeneralName:
        try:
            return x509.IPAddress(ip_address(address))
        except ValueError:
            return x509.DNSName(address)

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, addresses[0])])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([san(a) for a in addresses]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "cert.pem"
    key_path = folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client
