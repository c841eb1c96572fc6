"""``renderer_hosts``: the only way a card rendered locally reaches the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
from pictify_ssg.core.backend import ServiceOpener, choose_backend
from pictify_ssg.core.errors import SettingsError


@pytest.mark.parametrize("renders", [1, 200, None])
def test_listed_hosts_reach_the_local_renderer(tmp_path: Path, renders: int | None) -> None:
    settings = Settings.from_mapping(
        {"backend": "local", "renderer_hosts": ["Fonts.gstatic.com", "*.example.com"]}
    )
    opener = ServiceOpener(settings, choose_backend(settings), tmp_path)
    options = opener.local_options(renders)
    assert options.card_hosts == ("fonts.gstatic.com", "*.example.com")


def test_no_hosts_by_default(tmp_path: Path) -> None:
    settings = Settings.from_mapping({"backend": "local"})
    opener = ServiceOpener(settings, choose_backend(settings), tmp_path)
    assert opener.local_options(None).card_hosts == ()


@pytest.mark.parametrize(
    "value", ["https://fonts.gstatic.com", "fonts.gstatic.com/css", "host:443", "a b", "*."]
)
def test_anything_but_a_host_name_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match=r"option 'renderer_hosts'.*not a host name"):
        Settings.from_mapping({"renderer_hosts": [value]})


def test_hosts_are_part_of_a_local_card_fingerprint(tmp_path: Path) -> None:
    # A listed host can change how a card looks (web fonts), so its card is another card.
    site = SiteInfo(name="S", config_dir=tmp_path, output_dir=tmp_path / "site")
    page = PageRecord.create(key="p.md", url="p/", title="P")
    urls = []
    for hosts in ([], ["fonts.gstatic.com"]):
        settings = Settings.from_mapping({"backend": "local", "renderer_hosts": hosts})
        report = build([page], settings, site)
        assert report.outcomes["p.md"] == "rendered"
        urls.append(report.cards["p.md"].url)
    assert urls[0] != urls[1]
