"""Webhooks through a corporate proxy: a real CONNECT proxy on 127.0.0.1 (written here), a
real HTTPS receiver behind it, a PAC file served over HTTP, the environment's HTTPS_PROXY and
NO_PROXY, and a proxy login whose password is in the keyring.

The webhook's host, hooks.example.test, does not resolve here: only the proxy knows where it
is (it sends it to the receiver on 127.0.0.1), as only a corporate proxy resolves outside
names. A message that reaches the receiver therefore went through the proxy.
"""

from __future__ import annotations

import base64
import select
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from mimdesk import config, secrets
from mimdesk.comms import proxy
from mimdesk.comms.channels.base import NotConfigured, Rejected, Unreachable
from mimdesk.comms.channels.webhook import post_json
from mimdesk.comms.settings import CommsSettings, ProxySettings, check
from mimdesk.usecases import comms
from tests.comms.conftest import Certs, make_certs

HOOK_HOST = "hooks.example.test"
TOKEN = "sig=PxTok-71c2a9e5b3d84f60"
HOOK_URL = f"https://{HOOK_HOST}/workflows/abc/invoke?api-version=1&{TOKEN}"
PROXY_USER = "svc-mimdesk"
PROXY_PASSWORD = "Pr0xy-pw-9f3e1d7c"


# -- certificates for hooks.example.test ---------------------------------------------


@pytest.fixture(scope="module")
def hook_certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("hooktls"), HOOK_HOST, [x509.DNSName(HOOK_HOST)])


# -- the servers ---------------------------------------------------------------------


class Receiver:
    """The HTTPS webhook receiver, for hooks.example.test, on 127.0.0.1."""

    def __init__(self, certs: Certs) -> None:
        import ssl

        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.paths.append(self.path)
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certs.cert, certs.key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Connect:
    target: str
    headers: dict[str, str]
    raw: bytes


@dataclass
class ConnectProxy:
    """A CONNECT-only proxy: records each request, asks for Basic auth when ``login`` is
    set, and tunnels hooks.example.test:443 to the receiver."""

    routes: dict[str, tuple[str, int]]
    login: tuple[str, str] | None = None
    requests: list[Connect] = field(default_factory=list)
    carried: list[bytes] = field(default_factory=list)  # what went through the tunnels

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            self.requests.append(Connect(target, headers, head))
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            if self.login is not None:
                expected = base64.b64encode(":".join(self.login).encode()).decode()
                if headers.get("Proxy-Authorization") != f"Basic {expected}":
                    client.sendall(
                        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                        b'Proxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n'
                    )
                    return
            if target not in self.routes:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            upstream = socket.create_connection(self.routes[target], timeout=5)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            with upstream:
                self._pipe(client, upstream)

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while True:
            ready, _, _ = select.select(list(peers), [], [], 5)
            if not ready:
                return
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                self.carried.append(data)
                peers[sock].sendall(data)

    def stop(self) -> None:
        self.listener.close()


class PacServer:
    """Serves proxy.pac: the proxy for hooks.example.test, DIRECT for anything else."""

    def __init__(self, proxy_port: int) -> None:
        script = (
            "function FindProxyForURL(url, host) {\n"
            # Sees no token: the path and query are not handed to the script.
            '  if (url.indexOf("sig=") >= 0 || url.indexOf("/workflows") >= 0) return "DIRECT";\n'
            f'  if (dnsDomainIs(host, "{HOOK_HOST}")) return "PROXY 127.0.0.1:{proxy_port}";\n'
            '  return "DIRECT";\n'
            "}\n"
        ).encode()
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ns-proxy-autoconfig")
                self.send_header("Content-Length", str(len(script)))
                self.end_headers()
                self.wfile.write(script)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/proxy.pac"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def no_system_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever proxy this machine has is not the test's."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setattr(proxy, "_pac_cache", {})


@pytest.fixture
def receiver(hook_certs: Certs) -> Iterator[Receiver]:
    server = Receiver(hook_certs)
    yield server
    server.stop()


@pytest.fixture
def corp_proxy(receiver: Receiver) -> Iterator[ConnectProxy]:
    server = ConnectProxy({f"{HOOK_HOST}:443": ("127.0.0.1", receiver.port)})
    yield server
    server.stop()


@pytest.fixture
def login_proxy(receiver: Receiver) -> Iterator[ConnectProxy]:
    server = ConnectProxy(
        {f"{HOOK_HOST}:443": ("127.0.0.1", receiver.port)}, login=(PROXY_USER, PROXY_PASSWORD)
    )
    yield server
    server.stop()


@pytest.fixture
def pac(corp_proxy: ConnectProxy) -> Iterator[PacServer]:
    server = PacServer(corp_proxy.port)
    yield server
    server.stop()


def post(settings: ProxySettings, ca: Path, url: str = HOOK_URL) -> int:
    return post_json(
        url,
        {"text": "hello"},
        label="the webhook",
        secret_name="webhook:generic",
        timeout=5,
        ca_file=str(ca),
        proxy_settings=settings,
        secret=secrets.get_secret,
    )


def assert_tunnelled(corp: ConnectProxy, receiver: Receiver) -> None:
    """One CONNECT to the webhook's host; the path with its token only reached the receiver."""
    assert [r.target for r in corp.requests] == [f"{HOOK_HOST}:443"]
    assert receiver.paths == ["/workflows/abc/invoke?api-version=1&" + TOKEN]
    seen_by_proxy = b"".join([r.raw for r in corp.requests] + corp.carried)
    assert TOKEN.encode() not in seen_by_proxy  # inside the TLS tunnel


# -- the three sources, in order -------------------------------------------------------


def test_the_proxy_in_the_settings_tunnels_the_webhook(corp_proxy, receiver, hook_certs):
    assert post(ProxySettings(url=corp_proxy.address), hook_certs.ca) == 202
    assert_tunnelled(corp_proxy, receiver)
    assert "Proxy-Authorization" not in corp_proxy.requests[0].headers


def test_a_pac_file_picks_the_proxy_for_the_webhook_and_direct_for_others(
    corp_proxy, receiver, hook_certs, pac
):
    settings = ProxySettings(pac_url=pac.url)
    assert post(settings, hook_certs.ca) == 202
    assert_tunnelled(corp_proxy, receiver)
    chosen = proxy.choose(HOOK_URL, settings, secrets.get_secret)
    assert chosen == proxy.Proxy("127.0.0.1", corp_proxy.port, source="PAC file")
    assert proxy.choose("https://chat.other.test/hook", settings, secrets.get_secret) is None
    assert pac.fetches == 1  # kept for a while, not fetched for every message


def test_a_pac_file_that_cannot_be_read_is_retried_later(hook_certs):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(Unreachable) as caught:
        post(ProxySettings(pac_url=f"http://127.0.0.1:{port}/proxy.pac"), hook_certs.ca)
    assert caught.value.reason == (
        "the proxy auto-configuration file ([comms.proxy] pac_url) could not be read (URLError)"
    )


def test_the_environments_https_proxy_is_used_and_no_proxy_respected(
    corp_proxy, receiver, hook_certs, monkeypatch
):
    monkeypatch.setenv("HTTPS_PROXY", corp_proxy.address)
    assert post(ProxySettings(), hook_certs.ca) == 202
    assert_tunnelled(corp_proxy, receiver)

    monkeypatch.setenv("NO_PROXY", "example.test")
    assert proxy.choose(HOOK_URL, ProxySettings(), secrets.get_secret) is None
    with pytest.raises(Unreachable) as caught:
        post(ProxySettings(), hook_certs.ca)  # direct: this computer cannot resolve the name
    assert caught.value.reason == "the name of the webhook's server could not be looked up"
    assert len(corp_proxy.requests) == 1


def test_the_os_proxy_settings_come_through_the_seam(corp_proxy, receiver, hook_certs, monkeypatch):
    """On Windows and macOS getproxies() reads the OS settings; here the seam stands in."""
    monkeypatch.setattr(proxy, "system_proxies", lambda: {"https": f"127.0.0.1:{corp_proxy.port}"})
    assert post(ProxySettings(), hook_certs.ca) == 202
    assert_tunnelled(corp_proxy, receiver)
    assert proxy.describe(ProxySettings()) == (
        f"through the system's proxy 127.0.0.1:{corp_proxy.port}"
    )


def test_the_settings_win_over_the_pac_file_and_the_system(
    corp_proxy, receiver, hook_certs, monkeypatch
):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # discard: would fail
    settings = ProxySettings(url=corp_proxy.address, pac_url="http://127.0.0.1:9/proxy.pac")
    assert post(settings, hook_certs.ca) == 202
    assert_tunnelled(corp_proxy, receiver)


def test_a_proxy_that_is_down_is_named_and_retried(hook_certs):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(Unreachable) as caught:
        post(ProxySettings(url=f"http://127.0.0.1:{port}"), hook_certs.ca)
    assert caught.value.reason == (
        f"could not connect to the webhook (ConnectionRefusedError) (through the proxy "
        f"127.0.0.1:{port})"
    )


def test_this_computer_is_never_reached_through_a_proxy(corp_proxy):
    settings = ProxySettings(url=corp_proxy.address)
    assert proxy.choose("http://127.0.0.1:8080/relay", settings, secrets.get_secret) is None
    assert proxy.choose("https://localhost/relay", settings, secrets.get_secret) is None


def test_an_unsupported_proxy_kind_is_refused_by_name(monkeypatch, hook_certs):
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(NotConfigured) as caught:
        post(ProxySettings(), hook_certs.ca)
    assert caught.value.reason == (
        "the proxy in the system's https proxy setting is socks5://; only proxies reached in "
        "plain http:// (the usual kind) are supported"
    )


# -- a proxy that wants a login --------------------------------------------------------


def test_the_login_comes_from_the_keyring(login_proxy, receiver, hook_certs):
    secrets.set_secret("proxy:127.0.0.1", PROXY_PASSWORD)
    settings = ProxySettings(url=login_proxy.address, user=PROXY_USER)
    assert post(settings, hook_certs.ca) == 202
    assert_tunnelled(login_proxy, receiver)
    expected = base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()
    assert login_proxy.requests[0].headers["Proxy-Authorization"] == f"Basic {expected}"
    described = proxy.describe(settings)
    assert PROXY_PASSWORD not in described
    assert described == (
        f"through the proxy 127.0.0.1:{login_proxy.port} ([comms.proxy] url) as {PROXY_USER} "
        "(password in the keyring as proxy:HOST)"
    )


def test_no_password_in_the_keyring_says_which_to_set(login_proxy, receiver, hook_certs):
    with pytest.raises(NotConfigured) as caught:
        post(ProxySettings(url=login_proxy.address, user=PROXY_USER), hook_certs.ca)
    assert caught.value.reason == (
        "no password for the proxy 127.0.0.1 in the keyring: run "
        "'mimdesk secret set proxy:127.0.0.1'"
    )
    assert login_proxy.requests == [] and receiver.paths == []


def test_a_proxy_asking_for_a_login_nobody_set_says_so(login_proxy, receiver, hook_certs):
    with pytest.raises(Rejected) as caught:
        post(ProxySettings(url=login_proxy.address), hook_certs.ca)
    assert caught.value.reason == (
        f"the proxy 127.0.0.1:{login_proxy.port} asks for a login (HTTP 407); set "
        "[comms.proxy] user and run 'mimdesk secret set proxy:127.0.0.1'"
    )


def configure(app, tmp_path: Path, lines: list[str]) -> None:
    (tmp_path / "no-site.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app.settings = config.load_settings(app.paths)
    assert not app.settings.warnings, app.settings.warnings


def test_a_wrong_proxy_password_fails_in_one_line_with_no_secret_in_the_record(
    app, ctx, incident, login_proxy, receiver, hook_certs, tmp_path
):
    secrets.set_secret("proxy:127.0.0.1", "not-the-password-4e1a")
    secrets.set_secret("webhook:generic", HOOK_URL)
    configure(
        app,
        tmp_path,
        [
            "[comms]",
            f'ca_file = "{hook_certs.ca.as_posix()}"',
            "[comms.proxy]",
            f'url = "{login_proxy.address}"',
            f'user = "{PROXY_USER}"',
        ],
    )
    rendered = comms.draft(
        app.ctx,
        reference=incident.reference,
        settings=app.settings,
        kind="update",
        audience="it_staff",
    )
    draft_id, _ = comms.save_draft(
        app.ctx,
        reference=incident.reference,
        settings=app.settings,
        kind="update",
        audience="it_staff",
        subject=rendered.subject,
        body=rendered.body,
    )
    result, _ = comms.send(
        app.ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="webhook",
    )
    assert result.outcome == "failed"  # not retried: each try counts towards a lock-out
    assert result.reason == (
        f"the proxy 127.0.0.1:{login_proxy.port} refused the user name or password (HTTP 407); "
        "check [comms.proxy] user and 'mimdesk secret set proxy:127.0.0.1'"
    )
    assert receiver.paths == []
    blob = b"".join(
        p.read_bytes()
        for p in sorted(Path(app.database).parent.glob(Path(app.database).name + "*"))
    )
    assert b"refused the user name or password" in blob  # the reason is in the record
    for secret in ("not-the-password-4e1a", PROXY_PASSWORD, TOKEN, HOOK_HOST, "/workflows/"):
        assert secret.encode() not in blob


# -- settings --------------------------------------------------------------------------


def test_the_proxy_settings_are_read_and_checked():
    table = {
        "proxy": {
            "url": "http://proxy.corp.example:8080",
            "pac_url": "http://wpad.corp.example/proxy.pac",
            "user": "svc",
        }
    }
    assert CommsSettings.from_table(table).proxy == ProxySettings(
        "http://proxy.corp.example:8080", "http://wpad.corp.example/proxy.pac", "svc"
    )
    errors: list[str] = []
    warnings: list[str] = []
    check(
        {"proxy": {"url": "http://svc:Hunter2@proxy:8080", "password": "Hunter2", "pac": "x"}},
        errors,
        warnings,
    )
    assert errors == [
        "comms.proxy.url: must not hold a user or password (set user, and keep the password "
        "in the keyring)",
        "comms.proxy.password: passwords are never kept in a settings file; remove it and "
        "store it with 'mimdesk secret set proxy:HOST'",
    ]
    assert warnings == ["comms.proxy.pac: unknown setting, ignored"]
    assert not any("Hunter2" in line for line in errors + warnings)
