"""Saving the user's settings: dotted keys, kept neighbours, and the layer below on empty."""

from __future__ import annotations

import tomllib

from mimdesk import config
from mimdesk.paths import default_paths


def test_save_user_settings_writes_dotted_keys_and_keeps_the_rest(home, tmp_path):
    paths = default_paths({"MIMDESK_HOME": str(home)})
    config.save_user_setting(paths, "user", "display_name", "Ana Costa")
    config.save_user_settings(
        paths,
        {
            "comms.smtp.host": "mail.example.org",
            "comms.smtp.port": 465,
            "comms.require_approval": True,
        },
    )
    data = tomllib.loads(paths.user_settings.read_text(encoding="utf-8"))
    assert data["user"] == {"display_name": "Ana Costa"}
    assert data["comms"] == {
        "smtp": {"host": "mail.example.org", "port": 465},
        "require_approval": True,
    }
    settings = config.load_settings(paths, {"MIMDESK_HOME": str(home)})
    assert (settings.comms.smtp.host, settings.comms.smtp.port) == ("mail.example.org", 465)
    assert settings.sources["comms.smtp.host"].startswith(config.USER)

    # An empty text gives the setting back to the layer below.
    config.save_user_settings(paths, {"comms.smtp.host": ""})
    settings = config.load_settings(paths, {"MIMDESK_HOME": str(home)})
    assert settings.comms.smtp.host == ""
    assert settings.sources["comms.smtp.host"] == config.BUILTIN
