"""``mimdesk config check`` checks the site templates the file names: every file UTF-8 and
compiling, every message and page rendering with sample values under the render's limits.

Before, it read the TOML only and said "OK" to a folder of broken templates.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mimdesk import configcheck
from mimdesk.comms import KINDS
from mimdesk.comms.settings import CommsSettings
from mimdesk.comms.template_check import sample_messages, sample_pages
from mimdesk.comms.templates import Templates, builtin_dir

pytest.importorskip("resource", reason="RLIMIT_AS and wait4 bound the child: POSIX only")

from tests.support.bounded_child import run_bounded


def site(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    path = tmp_path / "site.toml"
    path.write_text('[comms]\ntemplates_dir = "templates"\n', encoding="utf-8")
    return path


def config_check(path: Path):
    return run_bounded(
        [sys.executable, "-m", "mimdesk", "config", "check", str(path)], env=os.environ
    )


def test_each_broken_template_is_reported_with_its_file_and_line(home, tmp_path):
    path = site(
        tmp_path,
        {
            "update.txt.j2": b"Subject: {{ title }}\n\nLine three\n{% iff impact %}\n",
            "initial.txt.j2": "Subject: x\n\nfine\ncaf\u00e9 in latin-1\n".encode("latin-1"),
            "mitigated.txt.j2": b"Subject: {{ title }}\n\n{{ severty }}\n",
            "resolved.customers.txt.j2": b"Subject: x\n\n\n{{ ''|center(300000000) }}\n",
            "statuspage.html.j2": (
                b"<p>\n{% for i in range(100000) %}{% for j in range(100000) %}"
                b"{% endfor %}{% endfor %}"
            ),
        },
    )
    folder = tmp_path / "templates"
    result = config_check(path)
    assert not result.timed_out and "Traceback" not in result.err, result.err
    assert result.code == 1, result.err
    prefix = f"{path}: error: The template {folder}"
    expected = [
        f"{prefix}/initial.txt.j2, line 4, is not UTF-8 text (byte 20).",
        f"{prefix}/update.txt.j2, line 4, has a syntax error: Encountered unknown tag 'iff'.",
        f"{prefix}/mitigated.txt.j2, line 3: 'severty' is undefined.",
        f"{prefix}/resolved.customers.txt.j2, line 4, was refused: the result of the center "
        "filter would be more than 1,000,000 characters (about 300,000,000).",
        f"{prefix}/statuspage.html.j2, line 2, stopped: it took longer than 2 s.",
        f"{path}: 5 template problem(s); drafts that use those templates would fail.",
    ]
    assert result.err_lines == expected
    # Bounded, not small: 60 MB alone here, but 405 MB once in a clean-clone CI run, where
    # the 2-second nested loop got further. What grows with the loop's iterations is not
    # known yet (issue 13's note); until it is, the bound is the one a desk can afford.
    assert result.peak_rss_mb < 600, result.peak_rss_mb


def test_a_good_folder_is_ok(home, tmp_path):
    path = site(
        tmp_path,
        {
            "update.customers.txt.j2": (
                b"Subject: {{ public_status }}: {{ services|and_list }}\n\n"
                b"{% if style == 'external' %}We are on it.{% endif %} Next: {{ next_update }}\n"
            ),
            # A copy of a built-in file, as IT starts from.
            "_macros.txt.j2": (builtin_dir() / "_macros.txt.j2").read_bytes(),
        },
    )
    result = config_check(path)
    assert (result.code, result.err) == (0, "")
    assert result.out.strip() == f"{path}: OK"


def test_loading_settings_does_not_render_templates(tmp_path):
    """A broken template fails the drafts that use it, not the whole site file."""
    path = site(tmp_path, {"update.txt.j2": b"Subject: {{ title }}\n\n{% iff %}\n"})
    assert configcheck.check_file(path).ok
    assert not configcheck.check_file(path, templates=True).ok


def test_the_samples_cover_every_kind_style_and_page():
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    samples = sample_messages(CommsSettings(), ["executives"], now)
    assert {kind for kind, _, _ in samples} == set(KINDS)
    styles = {values["style"] for _, _, values in samples}
    assert styles == {"external", "brief", "business", "technical", "desk", "staff"}
    # The built-in templates render with them: the samples hold what a draft holds.
    templates = Templates()
    for kind, audience, values in samples:
        assert templates.render_message(kind, audience, values).subject
    pages = dict(sample_pages(CommsSettings(), now))
    assert "[MI-SAMPLE] SEV1 Update" in templates.render_html("message.html.j2", pages.pop(
        "message.html.j2"))  # fmt: skip
    assert "E-mail delayed" in templates.render_html("statuspage.html.j2", pages.pop(
        "statuspage.html.j2"))  # fmt: skip
    assert pages == {}
