"""The review's sections (section 3 of the PDF), and how a site renames, reorders or hides them.

The sections are the review's long texts (``TEXT_FIELDS``, in their default order) and two
tables: the impact in numbers and the responders. A section is printed only when it holds
something; the site's ``[report.sections]`` (:class:`SectionSettings`) may put them in
another order, hide some, and give them headings of its own. ``mimdesk config check`` names
any section it does not know (:func:`problems`).

In the domain, so that the settings, their check and the PDF read one list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mimdesk.domain.review import TEXT_FIELDS

IMPACT_NUMBERS = "impact_numbers"
RESPONDERS = "responders"
MAX_TITLE = 80


@dataclass(frozen=True, slots=True)
class SectionSettings:
    """[report.sections]: how the review's sections are printed. ``order`` names the sections
    to print first, in that order (the others follow in the built-in order, so a section a
    newer release adds is never lost); ``hide`` the sections never printed; ``titles`` a
    heading of the site's own per section."""

    order: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)


def default_sections() -> dict[str, str]:
    """Section name -> its built-in heading, in the built-in order."""
    out: dict[str, str] = {}
    for name, heading in TEXT_FIELDS.items():
        out[name] = heading
        if name == "business_impact":
            out[IMPACT_NUMBERS] = "Impact in numbers"
        if name == "recovery":
            out[RESPONDERS] = "Responders"
    return out


def arranged(
    order: tuple[str, ...] = (),
    hide: tuple[str, ...] = (),
    titles: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(name, heading) of every section to print, in print order. Names the desk does not
    know are skipped (the settings check has said so)."""
    known = default_sections()
    names = [n for n in order if n in known]
    names += [n for n in known if n not in names]
    titles = titles or {}
    return [(n, titles.get(n, "").strip() or known[n]) for n in names if n not in hide]


def problems(table: Any) -> list[str]:
    """What is wrong with a ``[report.sections]`` table, each as one line that says what to do
    (the key path first, as the other settings checks write it)."""
    where = "report.sections"
    if not isinstance(table, Mapping):
        return [f"{where}: must be a table ([report.sections])"]
    known = default_sections()
    listed = ", ".join(known)
    out: list[str] = []
    for key in ("order", "hide"):
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            out.append(f'{where}.{key}: must be a list of section names, e.g. ["summary"]')
            continue
        seen: set[str] = set()
        for n, name in enumerate(value, 1):
            if name not in known:
                out.append(f"{where}.{key}[{n}]: {name!r} is not a section; use one of {listed}")
            elif name in seen:
                out.append(f"{where}.{key}[{n}]: {name!r} is named twice; name it once")
            seen.add(name)
    if "titles" in table:
        titles = table["titles"]
        if not isinstance(titles, Mapping):
            out.append(
                f'{where}.titles: must be a table of headings, e.g. {{ root_cause = "Why" }}'
            )
        else:
            for name, title in titles.items():
                if name not in known:
                    out.append(f"{where}.titles.{name}: not a section; use one of {listed}")
                elif not isinstance(title, str) or not title.strip():
                    out.append(f"{where}.titles.{name}: must be a heading (text), not {title!r}")
                elif "\n" in title or len(title) > MAX_TITLE:
                    out.append(
                        f"{where}.titles.{name}: must be one line of at most {MAX_TITLE} characters"
                    )
    return out


def unknown_keys(table: Any) -> list[str]:
    """Keys of ``[report.sections]`` this desk does not read (warnings, as elsewhere)."""
    if not isinstance(table, Mapping):
        return []
    return [
        f"report.sections.{key}: unknown setting, ignored (the keys are order, hide, titles)"
        for key in table
        if key not in ("order", "hide", "titles")
    ]
