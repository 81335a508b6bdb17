"""The directory stream folded from its typed payloads: last writer wins, retiring keeps."""

from __future__ import annotations

from evfactory import Stream

from mimdesk.domain.directory import Person, Service, fold_directory
from mimdesk.domain.events import DIRECTORY_STREAM


def test_services_people_rota_and_lists_fold_last_writer_wins() -> None:
    s = Stream(stream_id=DIRECTORY_STREAM)
    s.add(
        "directory.service_upserted",
        {"id": "s1", "name": "Mail", "tier": 1, "critical": True, "external": True, "users": 300},
    )
    s.add("directory.service_upserted", {"id": "s2", "name": "VPN", "tier": 5})
    s.add("directory.service_upserted", {"id": "s3", "name": ""})
    s.add("directory.service_retired", {"id": "s2"})
    s.add("directory.service_retired", {"id": "never-added"})
    s.add("directory.person_upserted", {"id": "p1", "name": "Mia", "roles": ["mim"]})
    s.add("directory.person_upserted", {"id": "p2", "name": "Bo"})
    s.add("directory.person_retired", {"id": "p2"})
    s.add("directory.rota_set", {"week": "2026-W48", "role": "mim", "person": "Mia"})
    s.add("directory.rota_set", {"week": "2026-W49", "role": "mim", "person": "Bo"})
    s.add("directory.rota_set", {"week": "2026-W49", "role": "mim"})
    s.add("directory.distribution_set", {"audience": "exec", "addresses": ["a@x", "b@x"]})
    s.add("directory.distribution_set", {"audience": "users", "addresses": ["c@x"]})
    s.add("directory.distribution_set", {"audience": "users", "addresses": []})
    s.add("zz.future_directory_kind", {"id": "s1"})
    d = fold_directory(reversed(s.events))  # folded in log order, whatever order they come in
    assert d.services == {
        "s1": Service("s1", "Mail", tier=1, critical=True, external=True, users=300),
        "s2": Service("s2", "VPN", tier=3, retired=True),  # an unknown tier counts as 3
    }
    assert d.people == {
        "p1": Person("p1", "Mia", roles=("mim",)),
        "p2": Person("p2", "Bo", retired=True),
    }
    assert d.rota == {("2026-W48", "mim"): "Mia"}
    assert d.distribution == {"exec": ("a@x", "b@x")}
