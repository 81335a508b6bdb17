"""Which proxy a webhook goes through, and the connection that goes there.

First match wins:

1. ``[comms.proxy] url`` (``http://proxy.corp.example:8080``), set by the site;
2. ``[comms.proxy] pac_url``: the proxy auto-configuration file, fetched directly (never
   through a proxy) and run by :mod:`pypac` for each webhook's address;
3. the system's settings: ``HTTPS_PROXY`` and the like, and on Windows and macOS the proxy
   set in the OS (``urllib.request.getproxies()``, behind :func:`system_proxies`);
4. no proxy.

``NO_PROXY`` (the environment's, or on Windows and macOS the OS's exceptions) sends the
hosts it names directly whatever the rule, and an address on this computer (127.0.0.1,
localhost) is never sent through a proxy: the proxy's own loopback is another machine.

An HTTPS webhook goes through the proxy in a ``CONNECT`` tunnel, so the proxy sees the host
and port but neither the path (which holds the token) nor the message. A proxy that needs a
login gets it as ``Proxy-Authorization: Basic``: the user is ``[comms.proxy] user`` and the
password is in the keyring as ``proxy:HOST``, HOST being the proxy's host name
(``mimdesk secret set proxy:proxy.corp.example``). A user and password in a ``HTTPS_PROXY``
URL are used as given there. Only proxies reached in plain HTTP are supported (the usual kind:
``PROXY host:port`` in a PAC file); a SOCKS or TLS proxy is skipped in a PAC answer and refused
in a setting.

Nothing here puts a password, or the webhook's address, in an error message.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from mimdesk.comms.channels.base import NotConfigured, Unreachable
from mimdesk.comms.settings import ProxySettings

_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_PAC_SECONDS = 300.0  # a PAC file is fetched again after this long
_PAC_LIMIT = 1_000_000  # bytes: a PAC file is a few kilobytes of JavaScript

Secret = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Proxy:
    host: str
    port: int
    user: str = ""
    password: str = ""
    source: str = ""  # "settings", "PAC file", "system"

    @property
    def secret_name(self) -> str:
        return f"proxy:{self.host}"

    @property
    def shown(self) -> str:
        """host:port, and the user if any; never the password."""
        who = f"{self.user}@" if self.user else ""
        return f"{who}{self.host}:{self.port}"


# -- seams: what tests replace ---------------------------------------------------------


def system_proxies() -> dict[str, str]:
    """The proxies of the environment and, on Windows and macOS, of the OS settings."""
    return urllib.request.getproxies()


def system_bypass(host: str) -> bool:
    """True when the system says to reach ``host`` directly (NO_PROXY, OS exceptions)."""
    return bool(urllib.request.proxy_bypass(host))


def fetch_pac(url: str, timeout: float, context: ssl.SSLContext) -> str:
    """The PAC file's JavaScript, fetched without any proxy (it says which proxy to use)."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )
    with opener.open(url, timeout=timeout) as response:
        data: bytes = response.read(_PAC_LIMIT + 1)
    if len(data) > _PAC_LIMIT:
        raise ValueError("too large for a PAC file")
    return data.decode("utf-8", errors="replace")


def run_pac(script: str, url: str, host: str) -> str:
    """``FindProxyForURL(url, host)`` of the script, e.g. ``"PROXY p:8080; DIRECT"``."""
    # pypac (and its JavaScript engine) load only for a site that uses a PAC file.
    from pypac.parser import PACFile  # type: ignore[import-untyped]

    return str(PACFile(script).find_proxy_for_url(url, host))


# -- the choice ------------------------------------------------------------------------

_pac_cache: dict[str, tuple[float, str]] = {}


def _parse_proxy_url(text: str, what: str) -> Proxy:
    value = text.strip()
    if "://" not in value:
        value = "http://" + value
    try:
        parts = urlsplit(value)
        port = parts.port or 8080
    except ValueError:
        raise NotConfigured(f"the proxy in {what} is not host:port") from None
    if parts.scheme != "http":
        raise NotConfigured(
            f"the proxy in {what} is {parts.scheme}://; only proxies reached in plain "
            "http:// (the usual kind) are supported"
        )
    if not parts.hostname:
        raise NotConfigured(f"the proxy in {what} has no host name")
    return Proxy(
        parts.hostname,
        port,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


def _from_pac_answer(answer: str) -> Proxy | None:
    """The first entry this code can use; None for DIRECT."""
    for entry in answer.split(";"):
        words = entry.split()
        if not words:
            continue
        kind = words[0].upper()
        if kind == "DIRECT":
            return None
        if kind in ("PROXY", "HTTP") and len(words) > 1:
            host, _, port = words[1].rpartition(":")
            if host and port.isdigit():
                return Proxy(host.strip("[]"), int(port), source="PAC file")
        # SOCKS, HTTPS (a proxy reached over TLS): not supported, the next entry may be.
    raise Unreachable("the proxy auto-configuration file names no proxy MIM Desk can use")


def _pac_script(settings: ProxySettings, timeout: float) -> str:
    cached = _pac_cache.get(settings.pac_url)
    if cached and time.monotonic() - cached[0] < _PAC_SECONDS:
        return cached[1]
    from mimdesk.comms import tls

    try:
        # The OS store, not the webhooks' ca_file: the PAC file is fetched directly, so no
        # inspecting proxy signs it, and an intranet server's CA is in the OS store.
        script = fetch_pac(settings.pac_url, timeout, tls.context())
    except NotConfigured:
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # The PAC server is on the intranet: down now, maybe back for the next try.
        raise Unreachable(
            f"the proxy auto-configuration file ([comms.proxy] pac_url) could not be read "
            f"({type(exc).__name__})"
        ) from None
    _pac_cache[settings.pac_url] = (time.monotonic(), script)
    return script


def choose(
    url: str,
    settings: ProxySettings,
    secret: Secret,
    *,
    timeout: float = 10.0,
) -> Proxy | None:
    """The proxy for ``url``, with its login, or None to connect directly."""
    host = urlsplit(url).hostname or ""
    if host in _LOOPBACK or system_bypass(host):
        return None
    chosen: Proxy | None
    if settings.url:
        chosen = _parse_proxy_url(settings.url, "[comms.proxy] url")
        chosen = Proxy(chosen.host, chosen.port, source="settings")
    elif settings.pac_url:
        script = _pac_script(settings, timeout)
        parts = urlsplit(url)
        # Scheme, host and port only, as browsers do for https: the path and query hold the
        # webhook's token, and the site's script has no business seeing them.
        bare = f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}/"
        try:
            answer = run_pac(script, bare, host)
        except Exception as exc:  # the site's JavaScript: any error it throws
            raise Unreachable(
                f"the proxy auto-configuration file failed to run ({type(exc).__name__})"
            ) from None
        chosen = _from_pac_answer(answer)
    else:
        chosen = _system(urlsplit(url).scheme)
    if chosen is None:
        return None
    if settings.user and not chosen.user:
        password = secret(chosen.secret_name)
        if not password:
            raise NotConfigured(
                f"no password for the proxy {chosen.host} in the keyring: run "
                f"'mimdesk secret set {chosen.secret_name}'"
            )
        chosen = Proxy(chosen.host, chosen.port, settings.user, password, chosen.source)
    return chosen


def _system(scheme: str) -> Proxy | None:
    proxies: Mapping[str, str] = system_proxies()
    text = proxies.get(scheme) or proxies.get("all")  # ALL_PROXY, as curl reads it
    if not text:
        return None
    found = _parse_proxy_url(text, f"the system's {scheme} proxy setting")
    return Proxy(found.host, found.port, found.user, found.password, "system")


# -- the connection --------------------------------------------------------------------


def authorization(proxy: Proxy) -> dict[str, str]:
    if not proxy.user:
        return {}
    token = base64.b64encode(f"{proxy.user}:{proxy.password}".encode()).decode("ascii")
    return {"Proxy-Authorization": f"Basic {token}"}


def connection(
    url: str, proxy: Proxy | None, *, timeout: float, context: ssl.SSLContext
) -> http.client.HTTPConnection:
    """A connection to ``url``'s server, through ``proxy``'s CONNECT tunnel when there is one.

    Plain http is only ever to this computer (the webhook's check), so never through a proxy.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http":
        return http.client.HTTPConnection(host, parts.port or 80, timeout=timeout)
    port = parts.port or 443
    if proxy is None:
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    conn = http.client.HTTPSConnection(proxy.host, proxy.port, timeout=timeout, context=context)
    conn.set_tunnel(host, port, headers=authorization(proxy))
    return conn


def tunnel_status(exc: OSError) -> int | None:
    """The proxy's answer to CONNECT when http.client's tunnel failed, else None."""
    text = str(exc)
    prefix = "Tunnel connection failed: "
    if not text.startswith(prefix):
        return None
    code = text[len(prefix) :].split(" ", 1)[0]
    return int(code) if code.isdigit() else None


def describe(settings: ProxySettings, url: str = "https://example.org/") -> str:
    """Which proxy a webhook to ``url`` would use, in words, for ``mimdesk doctor``.

    Names no password; a PAC file is described, not fetched.
    """
    login = f" as {settings.user} (password in the keyring as proxy:HOST)" if settings.user else ""
    if settings.url:
        try:
            proxy = _parse_proxy_url(settings.url, "[comms.proxy] url")
        except NotConfigured as exc:
            return f"the proxy setting is unusable: {exc.reason}"
        return f"through the proxy {proxy.host}:{proxy.port} ([comms.proxy] url){login}"
    if settings.pac_url:
        return f"as the proxy auto-configuration file {settings.pac_url} says{login}"
    try:
        system = _system(urlsplit(url).scheme)
    except NotConfigured as exc:
        return f"the system's proxy setting is unusable: {exc.reason}"
    if system is None:
        return "directly (no proxy set here or in the system)"
    return f"through the system's proxy {system.shown}{login}"
