"""Jinja's sandbox with bounded work: a site template's render stops past 1 MB of text or 2 s.

A site template is IT's data, and a mistake or an attack in one must not exhaust the desk's
memory or hang it. A render stops with a TemplateLimit (the budget and its limits are in
:mod:`mimdesk.comms.template_budget`) when it

- writes more than 1 MB of text, counting what a macro, a block or a ``{% set %}`` block
  writes (text written there and printed again counts twice);
- runs longer than 2 s;
- would build one value (a text, a list, a number) of more than a million characters. This is
  checked *before* the value is built wherever a small input makes a large result (see
  :mod:`mimdesk.comms.template_sizes`): widths (``center``, ``ljust``, ``'%300000000d'``,
  ``'{:>300000000}'``), ``*``, ``**``, ``~``, ``+``, ``join``, ``replace``, ``indent``,
  ``batch``, ``slice``; every other result is measured after it is built, from inputs that are
  themselves within the limit;
- builds more than 32 million characters of values in all: values each under the limit, built
  again and again.

The hooks are the sandbox's own (every call, the intercepted operators), every filter (each is
wrapped), the output (``finalize``), and what the compiler adds: each turn of every ``for``
loop, the literal text written, and ``~``. No thread is stopped and no signal used, so a render
is bounded in any thread and on Windows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import _PassArg
from markupsafe import Markup

from mimdesk.comms.template_budget import (
    MAX_OUTPUT_BYTES,
    MAX_VALUE,
    TemplateLimit,
    current,
)
from mimdesk.comms.template_sizes import (
    FILTER_SIZES,
    binop_size,
    digits,
    measure,
    method_size,
    utf8_length,
)

# Filters a message template has no use for and whose output no cheap estimate bounds:
# pprint indents nested values by the length of the keys above them.
REMOVED_FILTERS = ("pprint",)
_EACH = "_limited_each"  # the filter the compiler wraps around every loop's iterable


def _accept(value: Any, what: str) -> None:
    """Refuse an input too large to turn into text: a list holding a long text many times."""
    if measure(value) > MAX_VALUE:
        raise TemplateLimit(
            "value", f"{what} is given a value of more than {MAX_VALUE:,} characters"
        )


def _ticking(items: Iterable[Any]) -> Iterator[Any]:
    budget = current()
    for item in items:
        budget.tick()
        yield item


@pass_context
def _each(context: Context, items: Iterable[Any]) -> Iterator[Any]:
    """What a ``for`` loop iterates: its iterable, with the clock checked on every turn."""
    return _ticking(items)


def limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a filter) within the limits: its inputs, its estimated and its real result.

    The wrapper takes the context, which also keeps Jinja from running the filter at compile
    time, outside any budget, on constant arguments."""
    estimate = FILTER_SIZES.get(name)
    passes = _PassArg.from_obj(func)

    @pass_context
    def limited(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.tick()
        what = f"the {name} filter"
        if isinstance(value, Iterator):
            value = list(_ticking(value))  # to measure it; a filter reads it whole anyway
        for arg in (value, *args, *kwargs.values()):
            _accept(arg, what)
        if estimate is not None:
            try:
                size = estimate(value, *args, **kwargs)
            except (TypeError, ValueError):
                size = None  # wrong arguments: the filter itself says what is wrong
            if size:
                budget.build(size, f"the result of {what}")
        if passes is _PassArg.context:
            result = func(context, value, *args, **kwargs)
        elif passes is _PassArg.eval_context:
            result = func(context.eval_ctx, value, *args, **kwargs)
        elif passes is _PassArg.environment:
            result = func(context.environment, value, *args, **kwargs)
        else:
            result = func(value, *args, **kwargs)
        budget.build(measure(result), f"the result of {what}")
        return result

    limited.__name__ = getattr(func, "__name__", name)
    limited.__doc__ = func.__doc__
    return limited


# ---- str.format -------------------------------------------------------------------------------


class _LimitedFields:
    """Checks each field of ``'...'.format()`` before formatting it: its width and precision,
    and the value, which a format string may print many times (``'{0}{0}{0}'``)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        widths = max((digits(run) for run in re.findall(r"\d+", format_spec)), default=0)
        current().build(widths + measure(value), "a formatted field")
        return super().format_field(value, format_spec)  # type: ignore[misc]


class _Formatter(_LimitedFields, SandboxedFormatter):
    pass


class _EscapeFormatter(_LimitedFields, SandboxedEscapeFormatter):
    pass


# ---- the compiler ------------------------------------------------------------------------------


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's compiler, with hooks where a template spends without calling anything: each turn
    of a loop, the literal text it writes, and ``~``."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            wrapped = nodes.Filter(loop.iter, _EACH, [], [], None, None, lineno=loop.iter.lineno)
            loop.iter = wrapped.set_environment(self.environment)
        super().visit_Template(node, frame)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        literal = sum(utf8_length(n.data) for n in node.nodes if isinstance(n, nodes.TemplateData))
        if literal:
            self.writeline(f"environment.limited_write({literal})")
        super().visit_Output(node, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # The same choice of join as Jinja's own visit_Concat.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.limited_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


# ---- the sandbox ------------------------------------------------------------------------------


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    """Every ``{{ ... }}`` a render writes, wherever it writes it, is counted here."""
    if value is None:
        value = ""
    size = utf8_length(value) if isinstance(value, str) else measure(value, MAX_OUTPUT_BYTES)
    current().write(size)
    return value


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with every render held to the limits above."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options, finalize=_finalize)
        filters = {n: f for n, f in self.filters.items() if n not in REMOVED_FILTERS}
        self.filters = {n: limited_filter(n, f) for n, f in filters.items()}
        self.filters[_EACH] = _each

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        self.filters[name] = limited_filter(name, func)

    # Called by the compiled templates (see _LimitedCodeGenerator).
    def limited_write(self, size: int) -> None:
        current().write(size)

    def limited_concat(self, join: Callable[[Iterable[Any]], str], values: tuple[Any, ...]) -> str:
        current().build(sum(measure(v) for v in values), "a '~' concatenation")
        return join(values)

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        size = binop_size(op, left, right)
        current().build(size, f"a '{op}'")
        return self.binop_table[op](left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.tick()
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if args and isinstance(__obj, LoopContext):
            args = (_ticking(args[0]), *args[1:])  # loop(children): a recursive loop's next turn
        elif args and name == "join" and isinstance(owner, str | bytes):
            args = (list(_ticking(args[0])), *args[1:])  # to measure; join reads it whole anyway
        what = f"{name or 'a call'}()"
        for arg in (*args, *kwargs.values()):
            _accept(arg, what)
        size = method_size(owner, name, args, kwargs)
        if size:
            budget.build(size, f"the result of {what}")
        result = super().call(__context, __obj, *args, **kwargs)
        budget.build(measure(result), f"the result of {what}")
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's sandboxed ``str.format``, with each field checked (see _LimitedFields)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text: str = value.__self__
        formatter: SandboxedFormatter
        if isinstance(text, Markup):
            formatter = _EscapeFormatter(self, escape=text.escape)
        else:
            formatter = _Formatter(self)
        is_map = value.__name__ == "format_map"

        def format_limited(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    return wrapped(*args, **kwargs)  # Jinja's wrapper raises the TypeError
                kwargs = args[0]
                args = ()
            return type(text)(formatter.vformat(text, args, kwargs))

        format_limited.__name__ = value.__name__
        return format_limited
