"""The ``[comms]`` settings: templates, approval, channels. No secrets: those are in the keyring.

This module imports nothing of the app but the address parser (which imports only
:mod:`mimdesk.errors`), so that :mod:`mimdesk.config` and :mod:`mimdesk.configcheck` can use
it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mimdesk.comms.addresses import parse_address
from mimdesk.errors import InvalidInput

SECURITIES = ("starttls", "tls", "none")
# Who must approve a message before MIM Desk sends it (``[comms] approval``): nobody; the
# incident's Major Incident Manager; any person the directory names as an approver; or a
# named approver by voice, recorded by a person at the desk.
APPROVAL_MODES = ("none", "mim", "approver", "verbal")
APPROVAL_LABELS = {
    "none": "No approval",
    "mim": "The Major Incident Manager approves",
    "approver": "A named approver approves",
    "verbal": "A named approver approves by voice, recorded at the desk",
}
STYLES = ("external", "brief", "business", "technical", "desk", "staff")
# Settings that name a folder or file: a relative one is relative to the file that set it.
PATH_KEYS = ("templates_dir", "status_page_dir", "ca_file")
SMTP_PATH_KEYS = ("ca_file",)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # one of SECURITIES; "tls" is implicit TLS (port 465)
    username: str = ""
    timeout_seconds: float = 15.0
    # A CA bundle (PEM) trusted instead of the OS trust store, for an internal CA.
    ca_file: str = ""
    # Verify the server's certificate and name. Off only for a relay inside the network with a
    # self-signed certificate, where giving its CA file is not possible.
    verify: bool = True

    @property
    def secret_name(self) -> str:
        """Where the password is kept in the keyring."""
        return f"smtp:{self.host}"


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """``[comms.proxy]``: how webhooks reach the internet (see :mod:`mimdesk.comms.proxy`).

    Neither ``url`` nor ``pac_url``: the system's proxy settings. The password of ``user`` is
    in the keyring as ``proxy:HOST``, HOST being the proxy's host name.
    """

    url: str = ""  # http://proxy.corp.example:8080
    pac_url: str = ""  # http://wpad.corp.example/proxy.pac
    user: str = ""


@dataclass(frozen=True, slots=True)
class CommsSettings:
    templates_dir: str = ""
    approval: str = "none"  # one of APPROVAL_MODES
    timezone: str = ""  # IANA name for times in messages; "" = this computer's zone
    from_name: str = "IT Service Desk"
    from_address: str = ""
    reply_to: str = ""
    http_timeout_seconds: float = 10.0
    # The CA bundle trusted for HTTPS webhooks instead of the OS trust store (mimdesk.comms.tls).
    ca_file: str = ""
    outbox_expire_minutes: int = 120
    status_page_dir: str = ""
    status_page_title: str = "Service status"
    status_page_keep_days: int = 3
    mailto_max_length: int = 2000
    # The people who may approve messages in the "approver" and "verbal" modes, named as the
    # directory names them (the incident's MIM may approve in every mode).
    approvers: tuple[str, ...] = ()
    # audience id -> default recipients for e-mail
    recipients: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # audience id -> wording style of the templates (STYLES)
    audience_style: Mapping[str, str] = field(default_factory=dict)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    proxy: ProxySettings = field(default_factory=ProxySettings)

    def style(self, audience: str) -> str:
        return self.audience_style.get(audience, "business")

    @property
    def require_approval(self) -> bool:
        return self.approval != "none"

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> CommsSettings:
        smtp = table.get("smtp", {})
        proxy = table.get("proxy", {})
        return cls(
            templates_dir=str(table.get("templates_dir", "")),
            approval=approval_mode(table),
            approvers=tuple(str(a).strip() for a in table.get("approvers", ()) if str(a).strip()),
            timezone=str(table.get("timezone", "")),
            from_name=str(table.get("from_name", "IT Service Desk")),
            from_address=str(table.get("from_address", "")),
            reply_to=str(table.get("reply_to", "")),
            http_timeout_seconds=float(table.get("http_timeout_seconds", 10)),
            ca_file=str(table.get("ca_file", "")),
            outbox_expire_minutes=int(table.get("outbox_expire_minutes", 120)),
            status_page_dir=str(table.get("status_page_dir", "")),
            status_page_title=str(table.get("status_page_title", "Service status")),
            status_page_keep_days=int(table.get("status_page_keep_days", 3)),
            mailto_max_length=int(table.get("mailto_max_length", 2000)),
            recipients={
                str(k): tuple(_canonical(str(a)) for a in v)
                for k, v in table.get("recipients", {}).items()
            },
            audience_style={str(k): str(v) for k, v in table.get("audience_style", {}).items()},
            smtp=SmtpSettings(
                host=str(smtp.get("host", "")),
                port=int(smtp.get("port", 587)),
                security=str(smtp.get("security", "starttls")),
                username=str(smtp.get("username", "")),
                timeout_seconds=float(smtp.get("timeout_seconds", 15)),
                ca_file=str(smtp.get("ca_file", "")),
                verify=bool(smtp.get("verify", True)),
            ),
            proxy=ProxySettings(
                url=str(proxy.get("url", "")),
                pac_url=str(proxy.get("pac_url", "")),
                user=str(proxy.get("user", "")),
            ),
        )


def approval_mode(table: Mapping[str, Any]) -> str:
    """``approval`` as written; true (and the earlier ``require_approval = true``) means the
    Major Incident Manager approves, false means no approval."""
    value = table.get("approval", table.get("require_approval", False))
    if value is True:
        return "mim"
    if value is False:
        return "none"
    text = str(value).strip().casefold()
    return text if text in APPROVAL_MODES else "mim"  # unknown: the strict reading


def _canonical(entry: str) -> str:
    """The entry as the log will record it; one the check refused is kept as typed, so that
    sending to it is refused with its name rather than the address silently dropped."""
    try:
        return str(parse_address(entry))
    except InvalidInput:
        return entry


def anchor_paths(data: dict[str, Any], base: Path) -> None:
    """Make the relative paths of a file's ``[comms]`` table relative to that file's folder.

    IT writes ``templates_dir = "templates"`` beside site.toml; the app's working folder is
    anything but that folder.
    """
    comms = data.get("comms")
    if not isinstance(comms, dict):
        return
    tables: list[tuple[dict[str, Any], tuple[str, ...]]] = [(comms, PATH_KEYS)]
    if isinstance(comms.get("smtp"), dict):
        tables.append((comms["smtp"], SMTP_PATH_KEYS))
    for table, keys in tables:
        for key in keys:
            value = table.get(key)
            if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
                table[key] = str(base / value)


# -- validation, used by mimdesk.configcheck -------------------------------------------------

Check = Callable[[Any], str | None]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text, not {value!r}"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {value!r}"


def _number(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, not {value!r}"
        return None if low <= value <= high else f"must be from {low:g} to {high:g}, not {value!r}"

    return check


def _whole(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {value!r}"
        return None if low <= value <= high else f"must be from {low} to {high}, not {value!r}"

    return check


def _one_of(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        if value in options:
            return None
        return f"must be one of {', '.join(repr(o) for o in options)}, not {value!r}"

    return check


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {value!r}"
    if not value:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{value!r} is not a time zone name (use e.g. 'Europe/London')"
    return None


def _mailbox(*, bare: bool) -> Check:
    """An address checked by the one parser; ``bare``: no display name (the sender's name is
    ``from_name``, and the address is also the envelope's MAIL FROM)."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {value!r}"
        if not value:
            return None
        try:
            address = parse_address(value)
        except InvalidInput as exc:
            return exc.message.rstrip(".")
        if bare and (address.display_name or "<" in value):
            return f"{value!r} must be the address alone (the name goes in from_name)"
        return None

    return check


_address = _mailbox(bare=False)


FIELDS: dict[str, Check] = {
    "templates_dir": _text,
    "approval": lambda v: None if isinstance(v, bool) else _one_of(APPROVAL_MODES)(v),
    # The earlier yes/no form: true means "mim".
    "require_approval": _flag,
    "timezone": _timezone,
    "from_name": _text,
    "from_address": _mailbox(bare=True),
    "reply_to": _address,
    "http_timeout_seconds": _number(1, 120),
    "ca_file": _text,
    "outbox_expire_minutes": _whole(1, 7 * 24 * 60),
    "status_page_dir": _text,
    "status_page_title": _text,
    "status_page_keep_days": _whole(0, 365),
    "mailto_max_length": _whole(200, 100_000),
}
SMTP_FIELDS: dict[str, Check] = {
    "host": _text,
    "port": _whole(1, 65535),
    "security": _one_of(SECURITIES),
    "username": _text,
    "timeout_seconds": _number(1, 300),
    "ca_file": _text,
    "verify": _flag,
}


def check(table: Any, errors: list[str], warnings: list[str], base: Path | None = None) -> None:
    """Append problems of a ``[comms]`` table, each with its key path (``comms.smtp.port``).

    ``base`` is the folder of the file being checked: relative paths are relative to it.
    """
    if not isinstance(table, Mapping):
        errors.append("comms: must be a table ([comms])")
        return
    for key, value in table.items():
        where = f"comms.{key}"
        if key == "smtp":
            _check_smtp(value, errors, warnings)
        elif key == "proxy":
            _check_proxy(value, errors, warnings)
        elif key == "recipients":
            if not isinstance(value, Mapping):
                errors.append(f"{where}: must be a table of audience = [addresses]")
                continue
            for audience, addresses in value.items():
                if not isinstance(addresses, list):
                    errors.append(f"{where}.{audience}: must be a list of e-mail addresses")
                    continue
                for n, address in enumerate(addresses, 1):
                    problem = _address(address) or (None if address else "is empty")
                    if problem:
                        errors.append(f"{where}.{audience}[{n}]: {problem}")
        elif key == "approvers":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                errors.append(f"{where}: must be a list of names, as the directory has them")
        elif key == "audience_style":
            if not isinstance(value, Mapping):
                errors.append(f"{where}: must be a table of audience = style")
                continue
            for audience, style in value.items():
                problem = _one_of(STYLES)(style)
                if problem:
                    errors.append(f"{where}.{audience}: {problem}")
        elif key in FIELDS:
            problem = FIELDS[key](value)
            if problem:
                errors.append(f"{where}: {problem}")
        else:
            warnings.append(f"{where}: unknown setting, ignored")
    smtp = table.get("smtp")
    if isinstance(smtp, Mapping) and smtp.get("security") == "none" and smtp.get("username"):
        errors.append(
            "comms.smtp.security: 'none' would send the password unencrypted; use 'starttls' "
            "or 'tls', or leave username empty for a relay that needs no login"
        )
    templates = table.get("templates_dir")
    if isinstance(templates, str) and templates:
        folder = Path(templates).expanduser()
        if base is not None and not folder.is_absolute():
            folder = base / folder
        if not folder.is_dir():
            warnings.append(f"comms.templates_dir: the folder {folder} does not exist here")


def _check_smtp(value: Any, errors: list[str], warnings: list[str]) -> None:
    if not isinstance(value, Mapping):
        errors.append("comms.smtp: must be a table ([comms.smtp])")
        return
    for key, item in value.items():
        check_field = SMTP_FIELDS.get(key)
        if check_field is None:
            if any(word in key.lower() for word in ("pass", "secret", "token")):
                # The value is not repeated: it may be the password itself.
                errors.append(
                    f"comms.smtp.{key}: passwords are never kept in a settings file; remove it "
                    "and store it with 'mimdesk secret set smtp:HOST'"
                )
            else:
                warnings.append(f"comms.smtp.{key}: unknown setting, ignored")
            continue
        problem = check_field(item)
        if problem:
            errors.append(f"comms.smtp.{key}: {problem}")


def _proxy_url(*schemes: str) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {value!r}"
        if not value:
            return None
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in schemes or not rest.strip("/"):
            shown = " or ".join(f"{s}://" for s in schemes)
            return f"must be a URL starting with {shown}"
        if "@" in rest.split("/", 1)[0]:
            # The value is not repeated: it may hold a password.
            return (
                "must not hold a user or password (set user, and keep the password in the keyring)"
            )
        return None

    return check


PROXY_FIELDS: dict[str, Check] = {
    "url": _proxy_url("http"),
    "pac_url": _proxy_url("http", "https", "file"),
    "user": _text,
}


def _check_proxy(value: Any, errors: list[str], warnings: list[str]) -> None:
    if not isinstance(value, Mapping):
        errors.append("comms.proxy: must be a table ([comms.proxy])")
        return
    for key, item in value.items():
        check_field = PROXY_FIELDS.get(key)
        if check_field is None:
            if any(word in key.lower() for word in ("pass", "secret", "token")):
                errors.append(
                    f"comms.proxy.{key}: passwords are never kept in a settings file; remove it "
                    "and store it with 'mimdesk secret set proxy:HOST'"
                )
            else:
                warnings.append(f"comms.proxy.{key}: unknown setting, ignored")
            continue
        problem = check_field(item)
        if problem:
            errors.append(f"comms.proxy.{key}: {problem}")
    if isinstance(value.get("url"), str) and value.get("url") and value.get("pac_url"):
        warnings.append("comms.proxy: both url and pac_url are set; url is used")
