"""Managed policy: settings IT locks, read from where each OS keeps them.

- Windows: values under ``HKLM\\SOFTWARE\\Policies\\MIMDesk`` (then HKCU), named by their dotted
  key (``app.theme``, ``timers.sound``), as the ADMX template in ``packaging/windows`` sets them.
- macOS: forced values of the preferences domain ``org.mimdesk.MIMDesk`` pushed in a
  configuration profile (``CFPreferencesAppValueIsForced``).
- Linux: TOML files in ``/etc/mimdesk/managed/``.

``MIMDESK_MANAGED_DIR`` points at another folder of TOML files (tests, and any OS where IT
prefers files). The OS readers sit behind small functions so tests can hand them fake
registries or preference stores: that part cannot run on this Linux machine.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

POLICY_KEY = r"SOFTWARE\Policies\MIMDesk"
MAC_DOMAIN = "org.mimdesk.MIMDesk"
LINUX_DIR = Path("/etc/mimdesk/managed")

# The settings IT may lock by policy (scalars only: lists stay in the site file).
POLICY_KEYS: tuple[str, ...] = (
    "app.theme",
    "app.database",
    "timers.run_after_mitigation",
    "timers.amber_minutes",
    "timers.remind_every_minutes",
    "timers.mim_reminder_minutes",
    "timers.first_notification_minutes",
    "timers.sound",
    "declaration.rule",
    "declaration.score_threshold",
    "declaration.default_severity",
    "comms.approval",
    "comms.templates_dir",
    "comms.smtp.verify",
    "shared.url",
    "shared.tls",
    "shared.ca_file",
    "report.organisation",
    "report.classification",
    "report.page_size",
    "files.folder",
)


# Keys of earlier releases' policies, still read (and upgraded, :func:`upgrade`) but no
# longer offered: comms.require_approval (yes/no) is comms.approval "mim" or "none".
LEGACY_POLICY_KEYS: tuple[str, ...] = ("comms.require_approval",)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """{"app.theme": "dark"} -> {"app": {"theme": "dark"}}."""
    out: dict[str, Any] = {}
    for dotted, value in flat.items():
        *parents, leaf = dotted.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def read_folder(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    layers = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        with path.open("rb") as f:
            layers.append((str(path), tomllib.load(f)))
    return layers


RegistryReader = Callable[[], Iterable[tuple[str, Mapping[str, Any]]]]


def read_windows_registry(winreg: Any = None) -> list[tuple[str, dict[str, Any]]]:
    """Policy values from HKLM then HKCU (HKLM wins: it is applied last)."""
    if winreg is None:
        import winreg
    layers = []
    for hive_name in ("HKEY_CURRENT_USER", "HKEY_LOCAL_MACHINE"):
        hive = getattr(winreg, hive_name)
        try:
            key = winreg.OpenKey(hive, POLICY_KEY)
        except OSError:
            continue
        flat: dict[str, Any] = {}
        try:
            index = 0
            while True:
                try:
                    name, value, kind = winreg.EnumValue(key, index)
                except OSError:
                    break
                index += 1
                if name in POLICY_KEYS or name in LEGACY_POLICY_KEYS:
                    flat[name] = _registry_value(name, value, kind, winreg)
        finally:
            winreg.CloseKey(key)
        if flat:
            layers.append((f"{hive_name}\\{POLICY_KEY}", nest(flat)))
    return layers


_BOOL_KEYS = {
    "timers.run_after_mitigation",
    "timers.sound",
    "comms.smtp.verify",
}
# The earlier releases' keys that were true/false (all of LEGACY_POLICY_KEYS so far).
_LEGACY_BOOL_KEYS = {"comms.require_approval"}


def _registry_value(name: str, value: Any, kind: int, winreg: Any) -> Any:
    # ADMX "boolean" policies are REG_DWORD 0/1; numbers are REG_DWORD; texts REG_SZ.
    if kind == winreg.REG_DWORD:
        return bool(value) if name in _BOOL_KEYS | _LEGACY_BOOL_KEYS else int(value)
    return str(value)


def read_macos_forced(
    copy_value: Callable[[str], Any] | None = None, is_forced: Callable[[str], bool] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Forced values of the managed preferences domain (a configuration profile)."""
    if copy_value is None or is_forced is None:
        copy_value, is_forced = _core_foundation()
    flat = {k: copy_value(k) for k in (*POLICY_KEYS, *LEGACY_POLICY_KEYS) if is_forced(k)}
    flat = {k: v for k, v in flat.items() if v is not None}
    return [(f"configuration profile ({MAC_DOMAIN})", nest(flat))] if flat else []


def _core_foundation() -> tuple[Callable[[str], Any], Callable[[str], bool]]:  # pragma: no cover
    """CFPreferences through ctypes: no pyobjc dependency for two calls."""
    import ctypes
    import ctypes.util

    # macOS always has CoreFoundation; were it missing, None loads the process itself, as before.
    cf = ctypes.cdll.LoadLibrary(ctypes.util.find_library("CoreFoundation"))  # type: ignore[arg-type]
    cf.CFStringCreateWithCString.restype = ctypes.c_void_p
    cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
    cf.CFPreferencesCopyAppValue.restype = ctypes.c_void_p
    cf.CFPreferencesCopyAppValue.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    cf.CFPreferencesAppValueIsForced.restype = ctypes.c_bool
    cf.CFPreferencesAppValueIsForced.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    cf.CFGetTypeID.restype = ctypes.c_ulong
    cf.CFGetTypeID.argtypes = [ctypes.c_void_p]
    cf.CFStringGetTypeID.restype = ctypes.c_ulong
    cf.CFBooleanGetTypeID.restype = ctypes.c_ulong
    cf.CFNumberGetTypeID.restype = ctypes.c_ulong
    cf.CFStringGetCString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_long,
        ctypes.c_uint32,
    ]
    cf.CFBooleanGetValue.argtypes = [ctypes.c_void_p]
    cf.CFBooleanGetValue.restype = ctypes.c_bool
    cf.CFNumberGetValue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    utf8 = 0x08000100

    def cfstr(text: str) -> int:
        return cf.CFStringCreateWithCString(None, text.encode(), utf8)

    domain = cfstr(MAC_DOMAIN)

    def copy_value(key: str) -> Any:
        ref = cf.CFPreferencesCopyAppValue(cfstr(key), domain)
        if not ref:
            return None
        kind = cf.CFGetTypeID(ref)
        if kind == cf.CFStringGetTypeID():
            buf = ctypes.create_string_buffer(4096)
            cf.CFStringGetCString(ref, buf, 4096, utf8)
            return buf.value.decode()
        if kind == cf.CFBooleanGetTypeID():
            return bool(cf.CFBooleanGetValue(ref))
        if kind == cf.CFNumberGetTypeID():
            number = ctypes.c_longlong()
            cf.CFNumberGetValue(ref, 4, ctypes.byref(number))  # kCFNumberSInt64Type
            return number.value
        return None

    def is_forced(key: str) -> bool:
        return bool(cf.CFPreferencesAppValueIsForced(cfstr(key), domain))

    return copy_value, is_forced


def read_managed(env: Mapping[str, str] = os.environ) -> list[tuple[str, dict[str, Any]]]:
    """Every managed layer in force, lowest precedence first."""
    return [(where, upgrade(data)) for where, data in _read_managed(env)]


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Settings written for an earlier release, in today's keys: ``comms.require_approval``
    (yes/no) becomes ``comms.approval`` ("mim" or "none"), so that a policy locks, and a
    site or user file sets, the one key in force."""
    comms = data.get("comms")
    if isinstance(comms, dict) and "require_approval" in comms:
        legacy = comms.pop("require_approval")
        if "approval" not in comms and isinstance(legacy, bool):
            comms["approval"] = "mim" if legacy else "none"
    return data


def _read_managed(env: Mapping[str, str]) -> list[tuple[str, dict[str, Any]]]:
    if env.get("MIMDESK_MANAGED_DIR"):
        return read_folder(Path(env["MIMDESK_MANAGED_DIR"]))
    if sys.platform == "win32":  # pragma: no cover - exercised with a fake registry in tests
        return read_windows_registry()
    if sys.platform == "darwin":  # pragma: no cover
        try:
            return read_macos_forced()
        except OSError:
            return []
    return read_folder(LINUX_DIR)
