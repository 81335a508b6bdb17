"""A site template's render is bounded: it stops past 1 MB of text or 2 s, and a value too large
to build is refused before it is built.

Each attack is drafted by the real CLI in a child process held to 1 GiB of address space and
killed after 30 s (tests/support/bounded_child.py): a regression fails the test rather than
exhausting the machine. Before the limits, each of these used hundreds of megabytes (the
1 MB check came after the value was built), died with a MemoryError traceback, or never ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mimdesk.comms.templates import TemplateProblem, Templates

pytest.importorskip("resource", reason="RLIMIT_AS and wait4 bound the child: POSIX only")

from tests.support.bounded_child import Finished, run_bounded

PEAK_MB = 400
TOO_BIG = "would be more than 1,000,000 characters"
TOO_LONG = "stopped: it took longer than 2 s"
TOO_MUCH_TEXT = "stopped: it produced more than 1 MB of text"

ATTACKS = {
    # The attacks the review found, then variants that reach the same places another way.
    "center": ("{{ ''.center(300000000) }}", TOO_BIG),
    "format filter width": ("{{ '%300000000d'|format(1) }}", TOO_BIG),
    "str.format width": ("{{ '{:>300000000}'.format(1) }}", TOO_BIG),
    # A plain {% set %} inside a loop is scoped to one turn; a namespace carries the value over.
    "~ doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        TOO_BIG,
    ),
    "nested range": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        TOO_LONG,
    ),
    "nested loops over one range, no call inside": (
        "{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
        TOO_LONG,
    ),
    "center filter": ("{{ 'x'|center(300000000) }}", TOO_BIG),
    "% width from the arguments": ("{{ '%*d' % (300000000, 1) }}", TOO_BIG),
    "+ doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        TOO_BIG,
    ),
    "join of one long text many times": (
        "{% set s = ''.center(500000) %}{{ s.join(range(1000)|map('string')) }}",
        TOO_BIG,
    ),
    "a list holding a long text many times, printed": (
        "{% set a = [''.center(999999)] %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}"
        "{% set c = [b,b,b,b,b,b,b,b,b,b] %}{{ c }}",
        TOO_MUCH_TEXT,
    ),
    "a list that keeps long texts": (
        "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
        "{% set ns.l = ns.l + [''.center(999990) ~ i] %}{% endfor %}",
        TOO_BIG,
    ),
    "many large values, each under the limit": (
        "{% set s = ''.center(999999) %}{% for i in range(100000) %}"
        "{% set t = s|upper %}{% endfor %}",
        "was refused: it built more than 32,000,000 characters of values in one render",
    ),
    "text written into a macro, never printed": (
        "{% macro m() %}{% for i in range(100000) %}{% for j in range(100) %}xxxxxxxxxx"
        "{% endfor %}{% endfor %}{% endmacro %}{% set x = m() %}",
        TOO_MUCH_TEXT,
    ),
    "printed in a loop": ("{% for i in range(100000) %}{{ 'x' * 50 }}{% endfor %}", TOO_MUCH_TEXT),
    "int squared in a loop": (
        "{% set ns = namespace(n=10) %}{% for i in range(30) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}",
        TOO_BIG,
    ),
}


@pytest.fixture
def draft_with(app, incident, tmp_path):
    """Draft an update for executives with ``update.txt.j2`` of the site folder set to a text."""
    folder = tmp_path / "site-templates"
    folder.mkdir()
    (tmp_path / "no-site.toml").write_text('[comms]\ntemplates_dir = "site-templates"\n')
    app.close()  # the child opens the database itself

    def draft(body: str) -> tuple[Finished, Path]:
        template = folder / "update.txt.j2"
        template.write_text(f"Subject: {{{{ title }}}}\n\nHello\n{body}\n", encoding="utf-8")
        args = ["--db", str(app.database), "draft", incident.reference, "--kind", "update"]
        args += ["--audience", "executives"]
        return run_bounded([sys.executable, "-m", "mimdesk", *args], env=os.environ), template

    return draft


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_each_attack_stops_in_bounded_memory_with_one_line(draft_with, attack):
    body, words = ATTACKS[attack]
    result, template = draft_with(body)
    assert not result.timed_out, "the render was not stopped"
    assert "Traceback" not in result.err, result.err
    assert result.code == 2, (result.code, result.err)
    assert len(result.err_lines) == 1, result.err
    assert result.err.startswith(f"mimdesk: The template {template}, line 4, "), result.err
    assert words in result.err
    assert "a render stops past 1 MB of text or 2 s" in result.err
    assert result.peak_rss_mb < PEAK_MB, result.peak_rss_mb


def test_a_long_but_honest_template_still_renders(draft_with):
    result, _ = draft_with(
        "{% for i in range(1000) %}{{ loop.index }}. {{ title ~ ' / ' ~ impact }}\n{% endfor %}"
        "{{ services|join(', ') }} {{ '%5d' % 42 }} {{ '{:>8}'.format(severity) }}"
    )
    assert result.code == 0, result.err
    assert "1000. Email down for all staff / Staff cannot send" in result.out
    assert "Email, Order portal    42     SEV1" in result.out


def test_the_limit_holds_off_the_main_thread_without_signals(tmp_path):
    """The GUI renders in worker threads, where no signal can interrupt anything: the budget
    is checked by the render itself."""
    (tmp_path / "update.txt.j2").write_text(
        "Subject: x\n\n{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% endfor %}{% endfor %}\n",
        encoding="utf-8",
    )
    script = textwrap.dedent(
        f"""
        import threading
        from mimdesk.comms.templates import Templates, TemplateProblem
        outcome = []
        def render():
            try:
                Templates({str(tmp_path)!r}).render_message("update", "business", {{}})
                outcome.append("rendered")
            except TemplateProblem as exc:
                outcome.append(str(exc))
        worker = threading.Thread(target=render, daemon=True)
        worker.start()
        worker.join(25)
        print("stopped" if not worker.is_alive() else "still running", outcome)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.startswith("stopped"), done.stdout + done.stderr
    assert TOO_LONG in done.stdout


def test_a_limit_is_a_template_problem_naming_file_and_line(tmp_path):
    (tmp_path / "update.txt.j2").write_text(
        "Subject: x\n\nfine\n{{ ''.ljust(5000000) }}\n", encoding="utf-8"
    )
    with pytest.raises(TemplateProblem) as caught:
        Templates(tmp_path).render_message("update", "business", {})
    assert caught.value.path == str(tmp_path / "update.txt.j2")
    assert caught.value.line == 4
    assert "the result of ljust() would be more than 1,000,000 characters" in caught.value.message
