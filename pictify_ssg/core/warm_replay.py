"""A build whose every input matches the last build's: its cards, replayed without the pipeline.

A warm build (every card cached) ends where the last one did: the same pages, settings, site,
designs and code give the same cards, URLs and tags. Working that out again (loading the
pipeline, rendering every page's variables, fingerprinting, looking every card up) is most of
what a warm build costs. So a build without failures leaves a *snapshot* of its outcome in the
cache folder (as the next, warm, build would report it: cards rendered now are cached then),
keyed by a digest of its inputs, and the next build checks that digest first: when it matches,
it puts the same card files into the site and hands back the same report, and nothing else of
the core is loaded.

What the digest covers, and why it is enough:

* every page record, the settings (the API key only as "set or not"), the site, the config
  folder, the ``PICTIFY_*`` environment, and the core's own source files;
* every file a design was read from or looked for (templates, layouts, inlined pictures and
  fonts, the places searched for them, as `pictify_ssg.core.site_files.note_file` saw them),
  compared by size, time and inode;
* the card files themselves, by size and time, as they are put into the site.

A snapshot lives at most a day (or a tenth of ``cache_max_age_days``): the full build that
follows refreshes the cache entries it uses, so none expires while builds only replay. Builds
that fail, write a gallery, use a Pictify-hosted template or host cards on Pictify never leave
one, and remove the one before. Anything that does not match, or cannot be read, means the
full build, which is always right: a snapshot can only make a build faster, never different.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pictify_ssg.core.build_report import BuildReport
from pictify_ssg.core.cache_keys import SNAPSHOTS_FOLDER
from pictify_ssg.core.card_files import place_file
from pictify_ssg.core.records import PageRecord, SiteInfo
from pictify_ssg.core.results import CardResult, MetaTag
from pictify_ssg.core.settings import Settings, resolve_path
from pictify_ssg.core.site_files import FileState, file_state

log = logging.getLogger("pictify_ssg")
summary_log = logging.getLogger("pictify_ssg.summary")  # the summary line's own logger

#: Bump when what a snapshot holds, or how the digest is made, changes.
FORMAT = 2
#: The longest a snapshot is trusted; the cache refreshes entries it uses about daily.
LIFETIME_S = 86400.0
_CORE = Path(__file__).resolve().parent


def _code_stamp() -> list[Any]:
    """The state of the core's source files: an upgrade replaces them, an edit changes them."""
    files: list[str] = []
    for folder, _dirs, names in os.walk(_CORE):
        files.extend(os.path.join(folder, n) for n in names if n.endswith(".py"))
    return sorted((f, file_state(f)) for f in files)


def inputs_digest(
    settings: Settings, site: SiteInfo, pages: Sequence[PageRecord], config_dir: Path
) -> str:
    """The digest of everything but files that a build's cards depend on.

    Records are taken by their ``repr``: exact for what front matter holds (text, numbers,
    dates, lists, mappings in their order); an object whose ``repr`` differs from build to build
    only means the build is never replayed.
    """
    options = settings.model_dump(mode="json", exclude={"api_key"})
    environment = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("PICTIFY_") and k != "PICTIFY_API_KEY"
    )
    data = (FORMAT, _code_stamp(), options, settings.api_key is not None, environment)
    text = repr((data, str(config_dir), site, pages))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cache_folder(settings: Settings, config_dir: Path) -> Path:
    """The cache folder of these settings (as the pipeline resolves it)."""
    return resolve_path(config_dir, settings.cache_dir)


def snapshot_path(settings: Settings, site: SiteInfo, config_dir: Path) -> Path:
    """Where the snapshot of this site (and variant) lives: sites sharing a cache folder, and
    the variants of one site, each have their own."""
    who = repr((site.name, settings.site_url or site.url, site.variant or ""))
    name = hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_folder(settings, config_dir) / SNAPSHOTS_FOLDER / f"{name}.snapshot"


class _Texts:
    """Every text a snapshot holds, each written once and named by its place in a list.

    A site's cards repeat most of what they say (the site name, the image type and size, the
    folder of every card file, a page's URL in three tags): written once each, the snapshot is
    about half the size, and reading it makes far fewer objects.
    """

    def __init__(self) -> None:
        self.items: list[str] = []
        self._places: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        place = self._places.get(text)
        if place is None:
            place = self._places[text] = len(self.items)
            self.items.append(text)
        return place

    def path(self, path: str) -> list[Any]:
        """A path as its folder's place and its name (thousands of card files share one)."""
        folder, name = os.path.split(path)
        return [self(folder), name]


def _card_data(card: CardResult, text: _Texts, kinds: _Texts) -> list[Any]:
    """A card as numbers: its texts by place, its tags as (kind, content) pairs."""
    data: list[Any] = [
        text(card.url),
        card.width,
        card.height,
        text(card.type),
        text(card.alt),
        text(card.origin),
        -1 if card.fingerprint is None else text(card.fingerprint),
    ]
    for tag in card.tags:
        data += (kinds(f"{tag.attr} {tag.key}"), text(tag.content))
    return data


class _Reader:
    """Turns a snapshot's numbers back into cards; a tag many pages share (``twitter:card``,
    ``og:site_name``) is made once and shared, as tags are immutable."""

    def __init__(self, texts: list[str], kinds: list[str]) -> None:
        self.texts = texts
        self.kinds = [tuple(kind.split(" ", 1)) for kind in kinds]
        self._tags: dict[tuple[int, int], MetaTag] = {}

    def card(self, item: Sequence[Any]) -> CardResult:
        texts = self.texts
        url, width, height, mime, alt, origin, fingerprint = item[:7]
        tags = []
        for at in range(7, len(item), 2):
            pair = (item[at], item[at + 1])
            meta = self._tags.get(pair)
            if meta is None:
                attr, key = self.kinds[pair[0]]
                meta = self._tags[pair] = MetaTag(attr, key, texts[pair[1]])
            tags.append(meta)
        return CardResult(
            texts[url],
            int(width),
            int(height),
            texts[mime],
            texts[alt],
            texts[origin],
            tuple(tags),
            None if fingerprint < 0 else texts[fingerprint],
        )

    def path(self, item: Sequence[Any]) -> str:
        return os.path.join(self.texts[item[0]], str(item[1]))


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while many plain values are made at once.

    Reading a snapshot makes tens of thousands of small, acyclic objects; each few hundred would
    otherwise start a collection that walks the site generator's whole (large) heap.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """What a finished build leaves for the next one.

    Attributes:
        digest: :func:`inputs_digest` of the build.
        report: Its cards, outcomes, warnings and backend.
        looked_at: Every file a design came from or was looked for, as the build saw it.
        placed: Card files put into the site: (file in the cache, file in the site, state).
        sources: The site's page files as the build saw them (see :func:`sources_unchanged`).
        lifetime_s: How long the snapshot may be trusted.
    """

    digest: str
    report: BuildReport
    looked_at: Mapping[str, FileState]
    placed: Sequence[tuple[str, str, FileState]]
    sources: Mapping[str, FileState]
    lifetime_s: float

    def write(self, path: Path) -> None:
        """Write it (atomically; a folder that cannot be written just means no snapshot)."""
        report = self.report
        text, kinds = _Texts(), _Texts()
        # Pages in the order of their outcomes (every page has one), then any card without.
        keys = [*report.outcomes, *(k for k in report.cards if k not in report.outcomes)]
        pages = []
        for key in keys:
            card = report.cards.get(key)
            outcome = report.outcomes.get(key)
            pages.append([
                key,
                None if outcome is None else text(outcome),
                None if card is None else _card_data(card, text, kinds),
            ])  # fmt: skip
        data = {
            "format": FORMAT,
            "digest": self.digest,
            "until": time.time() + self.lifetime_s,
            "looked_at": dict(self.looked_at),
            "sources": [[*text.path(path), state] for path, state in self.sources.items()],
            "placed": [
                [*text.path(source), *text.path(target), state]
                for source, target, state in self.placed
            ],
            "pages": pages,
            "warnings": list(report.warnings),
            "backend": report.backend,
            "texts": text.items,
            "kinds": kinds.items,
        }
        tmp = None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # JSON, like every record of the cache: a damaged or doctored file can only
                # fail to parse (marshal and pickle are not safe against crafted data).
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except (OSError, ValueError) as exc:
            log.debug("pictify: cannot write the build snapshot %s: %s", path, exc)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


#: The last snapshot read, by path, with the file's state then: a build reads it in on_files
#: and again in on_env, and parses it once.
_read: dict[str, tuple[FileState, dict[str, Any]]] = {}


def _load(path: Path) -> dict[str, Any] | None:
    state = file_state(path)
    known = _read.get(str(path))
    if known is not None and state is not None and known[0] == state:
        data = known[1]
    else:
        try:
            with _no_collection():
                data = json.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            reader = _Reader([str(t) for t in data["texts"]], [str(k) for k in data["kinds"]])
            # Paths whole again, file states as file_state() gives them: plain comparisons.
            data["reader"] = reader
            data["looked_at"] = {str(k): _state(v) for k, v in data["looked_at"].items()}
            data["sources"] = {reader.path(item): _state(item[2]) for item in data["sources"]}
            data["placed"] = [
                (reader.path(item), reader.path(item[2:]), _state(item[4]))
                for item in data["placed"]
            ]
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
        _read.clear()
        _read[str(path)] = (state, data)
    if not isinstance(data.get("until"), (int, float)) or time.time() > data["until"]:
        return None
    return data


#: The card cache's SQLite file (diskcache's ``DBNAME``), and how every such file starts.
DATABASE_FILE = "cache.db"
_SQLITE_HEADER = b"SQLite format 3\x00"


def _database_looks_whole(folder: Path) -> bool:
    """Whether the cache's database is there and still an SQLite file.

    A replay never reads the database, so damage inside it changes nothing it writes; the next
    full build checks every page of it (and that comes within a day). A file that is missing
    or overwritten, though, is seen here, so the build that follows says so at once.
    """
    try:
        with open(folder / DATABASE_FILE, "rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _state(value: Any) -> FileState:
    if value is None:
        return None
    size, mtime_ns, inode = value
    return (int(size), int(mtime_ns), int(inode))


def _same_files(states: Mapping[str, Any]) -> bool:
    return all(file_state(name) == state for name, state in states.items())


def sources_unchanged(
    settings: Settings, site: SiteInfo, config_dir: Path, sources: Iterable[Path]
) -> bool:
    """Whether the site's page files are as the last snapshot saw them: then the renderer
    need not be started early (see `Pipeline.prepare`)."""
    data = _load(snapshot_path(settings, site, config_dir))
    if data is None or not isinstance(data.get("sources"), dict):
        return False
    now = {str(path): file_state(path) for path in sources}
    return bool(now == data["sources"])


def replay(
    settings: Settings, site: SiteInfo, pages: Sequence[PageRecord], config_dir: Path
) -> BuildReport | None:
    """The last build's report, its card files put into the site again, when every input is
    the same; else ``None`` (run the full build).

    Its warnings are logged again, and its summary line, as the full build would.
    """
    started = time.monotonic()
    if not _database_looks_whole(cache_folder(settings, config_dir)):
        return None  # gone or overwritten: the full build says so and starts afresh
    data = _load(snapshot_path(settings, site, config_dir))
    if data is None or data.get("digest") != inputs_digest(settings, site, pages, config_dir):
        return None
    try:
        if not _same_files(data["looked_at"]):
            return None
        reader: _Reader = data["reader"]
        cards: dict[str, CardResult] = {}
        outcomes: dict[str, Any] = {}  # as the build that wrote them reported them
        with _no_collection():
            for key, outcome, card in data["pages"]:
                if outcome is not None:
                    outcomes[key] = reader.texts[outcome]
                if card is not None:
                    cards[key] = reader.card(card)
        warnings = [str(w) for w in data["warnings"]]
        placed = data["placed"]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    for source, target, state in placed:
        if file_state(source) != state:
            return None  # a card file changed in the cache: the full build checks it
        try:
            place_file(source, target)
        except OSError:
            return None
    report = BuildReport(
        cards=cards, outcomes=outcomes, warnings=warnings, backend=str(data["backend"])
    )
    log.debug("pictify: every input as in the last build; its %d cards replayed", len(cards))
    for message in warnings:
        log.warning("%s", message)
    report.duration = time.monotonic() - started
    summary_log.info(report.summary_line)
    return report
