"""The one place MIM Desk makes the TLS context of an outgoing connection (SMTP, webhooks,
proxy auto-configuration files, MariaDB).

Without a ``ca_file`` the certificates are checked against the operating system's trust store
through :mod:`truststore`: Windows' certificate store, the macOS keychain, the system's
OpenSSL store on Linux. Python's own ``ssl.create_default_context()`` reads only OpenSSL's
files, and OpenSSL's folder is where Python was built: in a frozen macOS app it holds
nothing, so every certificate failed there. The OS store is also where IT puts the
certificate of a TLS-inspecting proxy and of an internal CA, so those work with no setting.

An explicit ``ca_file`` wins, and is then the only thing trusted (not added to the OS store):
the site named exactly what it trusts, and the result is the same on every computer and in
every build. A TLS-inspecting proxy signs every site with its one CA, and an internal server's
CA file is given for that server alone, so nothing else is needed beside it.
"""

from __future__ import annotations

import os
import ssl

from mimdesk.comms.channels.base import NotConfigured

# Where systems keep their roots as one PEM file (truststore's own list, for OpenSSL builds
# whose compiled-in folder is elsewhere). macOS keeps its system roots in /etc/ssl/cert.pem.
_BUNDLES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)


def context(ca_file: str = "", *, verify: bool = True) -> ssl.SSLContext:
    """A client context that verifies the server's certificate and name.

    ``verify=False`` (``[comms.smtp] verify = false``) keeps the encryption but checks nothing:
    anyone on the path could pose as the server. The settings and the docs say so.
    """
    if not verify:
        unchecked = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        unchecked.check_hostname = False
        unchecked.verify_mode = ssl.CERT_NONE
        return unchecked
    if ca_file:
        try:
            # With a cafile, create_default_context loads that file and not the defaults.
            return ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise NotConfigured(
                f"the CA file {ca_file} could not be read ({type(exc).__name__})"
            ) from None
    import truststore  # at first use: most runs of the CLI open no connection

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def describe(ca_file: str = "", *, verify: bool = True) -> str:
    """What certificates a connection trusts, for ``mimdesk doctor``."""
    if not verify:
        return "certificates are not checked (verify = false)"
    if ca_file:
        return f"only the CA file {ca_file}"
    return "the operating system's trust store"


def system_bundle() -> str:
    """The OS's roots as one PEM file, for a library that has its own OpenSSL (libpq), or "".

    Windows keeps no such file. On macOS the file holds the system's roots but not what IT
    added to the keychain (a proxy's or an internal CA): for those, set the ca_file.
    """
    found = ssl.get_default_verify_paths().cafile
    if found and os.path.isfile(found):
        return found
    return next((path for path in _BUNDLES if os.path.isfile(path)), "")
