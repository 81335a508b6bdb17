"""Message templates: Jinja2 in a sandbox, the site's folder first, then the built-in ones.

A message template is plain text (``*.txt.j2``, no escaping) whose first line is
``Subject: ...``, then a blank line, then the body. The template for a kind and audience is
``{kind}.{audience}.txt.j2`` when there is one, else ``{kind}.txt.j2``; the built-in kinds
extend ``_base.txt.j2`` and vary the wording by the audience's ``style``. HTML templates
(``*.html.j2``: the e-mail and clipboard HTML, the status page) escape every value.

IT's templates are data, not code: they run in Jinja's immutable sandbox, so reaching Python
internals (``''.__class__``) or changing the values passed in is refused with a
:class:`TemplateProblem` naming the file and line, and the template is not run. A render is
bounded (:mod:`mimdesk.comms.template_limits`): it stops past 1 MB of text or 2 s, and a value
too large to build is refused before it is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from mimdesk.comms.template_budget import LIMITS, TemplateLimit, render_budget
from mimdesk.comms.template_limits import LimitedSandbox
from mimdesk.errors import MimDeskError
from mimdesk.resources import resource_path

MAX_OUTPUT = 200_000  # characters a rendered message may have
MAX_SUBJECT = 300


class TemplateProblem(MimDeskError):
    """A template cannot be used. ``path`` and ``line`` say where, when known."""

    def __init__(self, message: str, hint: str = "", *, path: str = "", line: int = 0) -> None:
        super().__init__(message, hint)
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class Rendered:
    """A drafted message: what the template produced, before anyone edits it."""

    kind: str
    audience: str
    subject: str
    body: str
    template: str  # the file it came from


class _Utf8Loader(FileSystemLoader):
    """A folder of templates; a file that is not UTF-8 is named, with its line."""

    def get_source(self, environment: Any, template: str) -> Any:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            # The loader read the first of its folders that holds the name.
            found = (Path(s, *template.split("/")) for s in self.searchpath)
            raise not_utf8(next((p for p in found if p.is_file()), Path(template))) from None


def not_utf8(path: Path) -> TemplateProblem:
    """The problem with a template file that does not decode as UTF-8, at its first bad byte."""
    try:
        raw = path.read_bytes()
        raw.decode("utf-8")
        start = 0  # it changed since it was read
    except UnicodeDecodeError as exc:
        start = exc.start
    except OSError:
        raw, start = b"", 0
    line = raw.count(b"\n", 0, start) + 1
    return TemplateProblem(
        f"The template {path}, line {line}, is not UTF-8 text (byte {start}).",
        "Save it as UTF-8.",
        path=str(path),
        line=line,
    )


def builtin_dir() -> Path:
    return resource_path("templates")


def _and_list(items: Sequence[Any]) -> str:
    """``a``, ``a and b``, ``a, b and c``: how a person lists services."""
    words = [str(i) for i in items if str(i)]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _plural(count: int, singular: str, plural: str = "") -> str:
    return singular if count == 1 else (plural or singular + "s")


@lru_cache(maxsize=8)
def _environment(site_dir: str) -> LimitedSandbox:
    folders = [site_dir] if site_dir else []
    folders.append(str(builtin_dir()))
    env = LimitedSandbox(
        loader=ChoiceLoader([_Utf8Loader(f, encoding="utf-8") for f in folders]),
        # Escaping is for HTML only; escaping a plain-text e-mail would print "&amp;".
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "html.j2"),
            disabled_extensions=("txt", "txt.j2"),
            default_for_string=False,
            default=False,
        ),
        # A typo in a variable name is an error with a line, not a silently empty sentence.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    env.globals.pop("lipsum", None)
    env.add_filter("and_list", _and_list)
    env.add_filter("plural", _plural)
    return env


class Templates:
    """The templates in force: the site folder (``[comms] templates_dir``) over the built-in."""

    def __init__(self, site_dir: str | Path = "") -> None:
        self.site_dir = str(Path(site_dir).expanduser()) if site_dir else ""
        if self.site_dir and not Path(self.site_dir).is_dir():
            raise TemplateProblem(
                f"The site templates folder {self.site_dir} does not exist.",
                "Check [comms] templates_dir in the site settings.",
                path=self.site_dir,
            )
        self.env = _environment(self.site_dir)

    def names(self, kind: str, audience: str) -> list[str]:
        return [f"{kind}.{audience}.txt.j2", f"{kind}.txt.j2"]

    def render_message(self, kind: str, audience: str, context: Mapping[str, Any]) -> Rendered:
        names = self.names(kind, audience)
        text, source = self._render(names, context)
        subject, body = split_subject(text, source)
        return Rendered(kind, audience, subject, body, source)

    def render_html(self, name: str, context: Mapping[str, Any]) -> str:
        text, _ = self._render([name], context)
        return text

    def _render(self, names: list[str], context: Mapping[str, Any]) -> tuple[str, str]:
        try:
            template = self.env.select_template(names)
        except TemplatesNotFound:
            raise TemplateProblem(
                f"No template {names[-1]} in {self._where()}.",
                "Add it to the site templates folder, or remove the folder setting to use the "
                "built-in templates.",
            ) from None
        except TemplateSyntaxError as exc:
            raise _syntax_problem(exc) from None
        source = template.filename or template.name or names[0]
        try:
            with render_budget():
                text = template.render(context)
        except TemplateLimit as exc:
            path, line = _template_frame(exc.__traceback__, source)
            where = f"The template {path}, line {line}," if line else f"The template {path}"
            stopped = "was refused:" if exc.kind in ("value", "work") else "stopped:"
            raise TemplateProblem(
                f"{where} {stopped} {exc}.",
                f"Templates may use the incident's values, not Python internals or methods; "
                f"{LIMITS}.",
                path=path,
                line=line,
            ) from None
        except RecursionError as exc:
            path, line = _template_frame(exc.__traceback__, source)
            raise TemplateProblem(
                f"The template {path}, line {line}, stopped: it nests or calls itself too deeply.",
                "Check its extends, includes, macros and recursive loops.",
                path=path,
                line=line,
            ) from None
        except TemplateSyntaxError as exc:  # in a template it extends or includes
            raise _syntax_problem(exc) from None
        except TemplateNotFound as exc:
            raise TemplateProblem(
                f"The template {source} refers to {exc.name}, which does not exist.",
                "Check the name in its extends or include.",
                path=source,
            ) from None
        except SecurityError as exc:
            path, line = _template_frame(exc.__traceback__, source)
            raise TemplateProblem(
                f"The template {path}, line {line}, was refused: {exc}",
                "Templates may use the incident's values, not Python internals or methods.",
                path=path,
                line=line,
            ) from None
        except UndefinedError as exc:
            path, line = _template_frame(exc.__traceback__, source)
            raise TemplateProblem(
                f"The template {path}, line {line}: {exc}.",
                "Check the name; the variables are listed in the templates README.",
                path=path,
                line=line,
            ) from None
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
            path, line = _template_frame(exc.__traceback__, source)
            raise TemplateProblem(
                f"The template {path}, line {line}, failed: {type(exc).__name__}: {exc}",
                "Fix the template.",
                path=path,
                line=line,
            ) from None
        if len(text) > MAX_OUTPUT:
            raise TemplateProblem(
                f"The template {source} produced {len(text):,} characters; the limit is "
                f"{MAX_OUTPUT:,}.",
                "A message that long is a mistake in the template.",
                path=source,
            )
        return text, source

    def _where(self) -> str:
        builtin = str(builtin_dir())
        return f"{self.site_dir} or {builtin}" if self.site_dir else builtin

    def check_all(self) -> list[TemplateProblem]:
        """Compile every template of the site folder (see also mimdesk.comms.template_check,
        which renders them too): what IT runs before deploying it."""
        problems = []
        folder = Path(self.site_dir) if self.site_dir else builtin_dir()
        for path in sorted(folder.glob("*.j2")):
            try:
                self.env.get_template(path.name)
            except TemplateSyntaxError as exc:
                problems.append(_syntax_problem(exc))
            except TemplateProblem as exc:  # not UTF-8
                problems.append(exc)
        return problems


def _syntax_problem(exc: TemplateSyntaxError) -> TemplateProblem:
    path = exc.filename or exc.name or "(template)"
    return TemplateProblem(
        f"The template {path}, line {exc.lineno}, has a syntax error: "
        f"{(exc.message or '').rstrip('.')}.",
        "Fix that line; 'mimdesk draft' shows the result without sending anything.",
        path=path,
        line=exc.lineno,
    )


def _template_frame(tb: TracebackType | None, fallback: str) -> tuple[str, int]:
    """The template file and line an error happened at.

    Jinja rewrites the traceback so that a template's frames carry the template's file name
    and line; the innermost such frame is where the template went wrong.
    """
    found = (fallback, 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or filename == "<template>":
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_BLANKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row: templates can be written loosely."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def split_subject(text: str, source: str) -> tuple[str, str]:
    text = tidy(text)
    first, _, rest = text.partition("\n")
    if not first.lower().startswith("subject:"):
        raise TemplateProblem(
            f"The template {source} does not begin with a 'Subject:' line.",
            "Begin it with 'Subject: ...', then a blank line, then the body.",
            path=source,
            line=1,
        )
    subject = " ".join(first[len("subject:") :].split())
    if not subject:
        raise TemplateProblem(f"The template {source} gives an empty subject.", path=source, line=1)
    return subject[:MAX_SUBJECT], rest.strip("\n")


def paragraphs(body: str) -> list[list[str]]:
    """The body as paragraphs of lines: how the HTML renderings lay out the exact text."""
    blocks = [block for block in tidy(body).split("\n\n") if block.strip()]
    return [block.split("\n") for block in blocks]
