"""A corpus of bad input run through real ``mkdocs build`` and ``pelican`` commands.

Each row is one mistake and the message fragment that names the option or page and says what to
do. Configuration rows stop at validation, so they cost one short process each; page rows share
one build per SSG (and one card cache per module), and each message is attributed to its page by
the page name in the warning.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .helpers import make_pelican_site, meta_values, pelican_log, run_pelican_cli, soup
from .test_mkdocs_mistakes import FALLBACK, Run, mkdocs, site, warnings_of

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/m/"
PELICAN_URL = "https://example.org/small"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the good pages are rendered once."""
    return tmp_path_factory.mktemp("corpus-cache")


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output, output


def assert_real_card(html: Path, site_url: str) -> None:
    """The page kept a card made for this build, not the fallback."""
    [image] = meta_values(soup(html), "property", "og:image")
    assert image.startswith(site_url.rstrip("/") + "/assets/social/"), image


# -- mkdocs.yml: stop at validation ----------------------------------------------------------

#: (id, plugin options, fragment); ``{root}`` is the site folder.
MKDOCS_OPTIONS = [
    ("width-text", "width: wide", "option 'width': must be a whole number (got 'wide')"),
    ("width-bool", "width: true", "option 'width': must be a number, not true/false"),
    ("height-negative", "height: -5", "option 'height': must be greater than or equal to 1"),
    ("height-huge", "height: 5000", "option 'height': must be less than or equal to 4096"),
    ("quality", "quality: 7", "option 'quality': must be less than or equal to 1 (got 7)"),
    ("format", "format: gif", "option 'format': must be 'png', 'jpeg' or 'webp' (got 'gif')"),
    ("backend", "backend: cloud", "option 'backend': must be 'auto', 'hosted', 'local' or 'skip'"),
    ("render-mode", "render_mode: fast", "option 'render_mode': must be 'auto', 'batch' or"),
    ("on-error", "on_error: explode", "option 'on_error': must be 'warn' or 'fail'"),
    ("hosting", "hosting: s3", "option 'hosting': must be 'site' or 'pictify' (got 's3')"),
    ("concurrency", "concurrency: 0", "option 'concurrency': must be greater than or equal to 1"),
    ("batch-size", "batch_size: 500", "option 'batch_size': must be less than or equal to 100"),
    ("timeout", "timeout: 0", "option 'timeout': must be greater than 0 (got 0)"),
    ("max-age", "cache_max_age_days: -1", "option 'cache_max_age_days': must be greater than"),
    ("enabled", "enabled: maybe", "option 'enabled': must be true or false (got 'maybe')"),
    ("gallery", "gallery: [1]", "option 'gallery': must be true or false (got [1])"),
    ("variables", "variables: [a, b]", "option 'variables': must be a mapping of name: value"),
    ("include", "include: 5", "option 'include': must be a list (or one text value) (got 5)"),
    ("exclude-item", "exclude: [1]", "option 'exclude.0': must be text (got 1)"),
    ("title-max", "title_max_length: -1", "option 'title_max_length': must be greater than"),
    ("size-warning", "size_warning_kb: abc", "option 'size_warning_kb': must be a whole number"),
    ("direct-threshold", "direct_threshold: -2", "option 'direct_threshold': must be greater"),
    ("unknown", "colour: red", "unknown option 'colour'; known options: enabled, backend"),
    ("typo", "cachedir: x", "unknown option 'cachedir' (did you mean 'cache_dir'?)"),
    ("typo-template", "templat: x", "unknown option 'templat' (did you mean 'template'?)"),
    (
        "template-file-missing",
        "template_file: nope.html",
        "option 'template_file': file {root}/nope.html does not exist",
    ),
    (
        "template-file-folder",
        "template_file: tpl",
        "option 'template_file': {root}/tpl is a folder; name a file in it",
    ),
    (
        "template-file-empty",
        'template_file: ""',
        "option 'template_file': is empty; name the card template, e.g. card.html (relative to "
        "the site config folder), or remove the option to use the built-in design (got '')",
    ),
    (
        "fallback-empty",
        "fallback_image: ''",
        "option 'fallback_image': is empty; name an image file (relative to the site config "
        "folder) or an https:// URL, or remove the option (got '')",
    ),
    (
        "cache-dir-empty",
        'cache_dir: " "',
        "option 'cache_dir': is empty; name a folder such as .cache/pictify (the default), or "
        "remove the option (got ' ')",
    ),
    (
        "template-is-html",
        "template: '<p>x</p>'",
        "option 'template': '<p>x</p>' looks like a file; use 'template_file'",
    ),
    (
        "fallback-folder",
        "fallback_image: tpl",
        "option 'fallback_image': {root}/tpl is a folder; name a file in it",
    ),
    (
        "renderer-hosts-url",
        "renderer_hosts: ['https://x.com/']",
        "option 'renderer_hosts': 'https://x.com/' is not a host name; write e.g. "
        "'fonts.gstatic.com'",
    ),
    (
        "allowed-dirs-file",
        "allowed_dirs: [file.txt]",
        "option 'allowed_dirs': {root}/file.txt is not a folder (relative paths start at {root})",
    ),
    (
        "allowed-dirs-missing",
        "allowed_dirs: [nowhere]",
        "option 'allowed_dirs': {root}/nowhere is not a folder",
    ),
    (
        "site-url-not-url",
        "site_url: 'not a url'",
        "option 'site_url': site_url must be an absolute http(s) URL like https://example.org/",
    ),
    (
        "base-url-ftp",
        "base_url: ftp://x",
        "option 'base_url': base_url must be an absolute http(s) URL like https://example.org/ "
        "(got 'ftp://x')",
    ),
    (
        "output-dir-absolute",
        "output_dir: /etc",
        "option 'output_dir': must be a relative folder inside the built site",
    ),
    (
        "output-dir-parent",
        "output_dir: ../out",
        "option 'output_dir': must be a relative folder inside the built site",
    ),
    (
        "cache-dir-is-a-file",
        "cache_dir: file.txt",
        "pictify: the card cache folder {root}/file.txt is a file; remove it or set cache_dir",
    ),
    (
        "cache-dir-under-a-file",
        "cache_dir: file.txt/sub",
        "pictify: cannot open the card cache at {root}/file.txt/sub: [Errno 20] Not a directory",
    ),
    # Unwritable even for root (CI runs as root, so a chmod would not stop it).
    (
        "cache-dir-unwritable",
        "cache_dir: /proc/pictify-cache",
        "cannot open the card cache at /proc/pictify-cache: [Errno 2] No such file or directory: "
        "'/proc/pictify-cache'; make the folder writable or set cache_dir to another folder",
    ),
]


def bad_site(root: Path, options: str) -> Path:
    """A two-page site whose pictify options are ``options`` (one YAML line)."""
    (root / "tpl").mkdir()
    (root / "file.txt").write_text("not a folder", encoding="utf-8")
    return site(root, f"      {options}\n")


@pytest.mark.parametrize(
    ("options", "expected"),
    [pytest.param(options, expected, id=name) for name, options, expected in MKDOCS_OPTIONS],
)
def test_mkdocs_option_mistakes_stop_the_build(tmp_path: Path, options: str, expected: str) -> None:
    run = mkdocs(bad_site(tmp_path, options))
    assert run.returncode == 1, run.output
    assert expected.format(root=tmp_path) in run.output, run.output
    assert_no_traceback(run.output)
    assert warnings_of(run.output) == []


def test_mkdocs_options_that_are_not_a_mapping_stop_the_build(tmp_path: Path) -> None:
    bad_site(tmp_path, "enabled: true")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: M\nplugins:\n  - pictify: [1]\n", encoding="utf-8"
    )
    run = mkdocs(tmp_path)
    assert run.returncode == 1
    assert "Invalid config options for the 'pictify' plugin" in run.output
    assert_no_traceback(run.output)


def test_a_corrupt_cache_is_replaced_with_one_warning(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    (cache / "cache.db").write_bytes(b"\x00not sqlite\xff" * 300)
    run = mkdocs(bad_site(tmp_path, f"cache_dir: {cache}"))
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    [warning] = warnings_of(run.output)
    assert "was damaged" in warning
    assert "starting with an empty cache" in warning
    assert_real_card(run.site_dir / "index.html", SITE_URL)


# -- mkdocs: site-level problems that warn and go on ------------------------------------------


def test_a_missing_site_url_warns_once_and_names_the_fix(
    tmp_path: Path, shared_cache: Path
) -> None:
    site(tmp_path, f"      cache_dir: {shared_cache}\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(f"site_url: {SITE_URL}\n", ""), "utf-8")
    run = mkdocs(tmp_path)
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    [warning] = warnings_of(run.output)
    assert "site_url is not set, so card URLs are relative" in warning
    assert "set site_url (MkDocs) / SITEURL (Pelican) or the site_url option" in warning


HTTP_WARNING = (
    "pictify: the site URL {url} is http, and the card and page URLs (og:image, og:url) are "
    "built from it; social platforms want https images and may show a preview without its "
    "image: change {where} to {secure}"
)
FROM_SSG = "site_url in mkdocs.yml (SITEURL in pelicanconf.py)"
FROM_OPTION = "the site_url option (PICTIFY_SITE_URL in pelicanconf.py)"

#: (id, SSG, the SSG's site URL, a pictify option line or "", the URL warned about, where it
#: is set or None when no warning is due).
HTTP_SITE_URLS = [
    ("mkdocs-site-url", "mkdocs", "http://example.org/m/", "", "http://example.org/m/", FROM_SSG),
    (
        "mkdocs-option",
        "mkdocs",
        SITE_URL,
        "site_url: http://docs.example.org/",
        "http://docs.example.org/",
        FROM_OPTION,
    ),
    ("mkdocs-localhost", "mkdocs", "http://localhost:8000/", "", "", None),
    (
        "pelican-siteurl",
        "pelican",
        "http://example.org/small",
        "",
        "http://example.org/small",
        FROM_SSG,
    ),
    (
        "pelican-option",
        "pelican",
        PELICAN_URL,
        "PICTIFY_SITE_URL = 'http://blog.example.org/'",
        "http://blog.example.org/",
        FROM_OPTION,
    ),
]


@pytest.mark.parametrize(
    ("ssg", "site_url", "option", "warned_url", "where"),
    [pytest.param(*row[1:], id=row[0]) for row in HTTP_SITE_URLS],
)
def test_an_http_site_url_warns_once_per_build_with_the_https_address(
    tmp_path: Path,
    shared_cache: Path,
    ssg: str,
    site_url: str,
    option: str,
    warned_url: str,
    where: str | None,
) -> None:
    if ssg == "mkdocs":
        plugin = f"      cache_dir: {shared_cache}\n" + (f"      {option}\n" if option else "")
        site(tmp_path, plugin)
        config = tmp_path / "mkdocs.yml"
        config.write_text(
            config.read_text("utf-8").replace(f"site_url: {SITE_URL}", f"site_url: {site_url}"),
            "utf-8",
        )
        run = mkdocs(tmp_path)
        returncode, output = run.returncode, run.output
        warnings = [w.removeprefix("WARNING -  ") for w in warnings_of(output)]
        home = run.site_dir / "index.html"
    else:
        settings = f'PLUGINS = ["pictify"]\nPICTIFY_CACHE_DIR = "{shared_cache}"\n{option}\n'
        config = make_pelican_site(tmp_path, settings, GOOD_ARTICLE, site_url=site_url)
        result = run_pelican_cli(config)
        returncode, output = result.returncode, result.stdout + result.stderr
        warnings = pelican_log(output, "WARNING")
        home = tmp_path / "output" / "first-article.html"
    assert returncode == 0, output
    assert_no_traceback(output)
    if where is None:
        assert warnings == []
    else:
        secure = "https" + warned_url.removeprefix("http")
        # One warning for the build, however many pages it has.
        assert warnings == [HTTP_WARNING.format(url=warned_url, where=where, secure=secure)]
    # The cards are made all the same, at the URL the site has.
    assert_real_card(home, warned_url or site_url)


def test_a_template_uid_that_is_not_there_names_the_option(tmp_path: Path) -> None:
    run = mkdocs(site(tmp_path, f"      template: nope-uid\n      cache_dir: {tmp_path / 'c'}\n"))
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    [warning] = warnings_of(run.output)
    assert "no new card for 2 pages ('index.md', 'guide.md')" in warning
    assert "option 'template': template 'nope-uid' does not exist" in warning
    assert "check the uid" in warning


def test_an_empty_mkdocs_site_builds_quietly(tmp_path: Path, shared_cache: Path) -> None:
    site(tmp_path, f"      cache_dir: {shared_cache}\n", {"notes.txt": "not a page\n"})
    run = mkdocs(tmp_path, "--strict")
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    assert warnings_of(run.output) == []


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def hosted_site(root: Path, base_url: str) -> Path:
    options = (
        f"      backend: hosted\n      base_url: {base_url}\n      timeout: 5\n"
        f"      cache_dir: {root / 'cache'}\n      fallback_image: {FALLBACK}\n"
    )
    return site(root, options)


def test_an_unreachable_service_warns_once_and_names_the_address(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{closed_port()}"
    run = mkdocs(hosted_site(tmp_path, base_url), env={"PICTIFY_API_KEY": "sk-test-corpus"})
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    [warning] = warnings_of(run.output)
    assert "no new card for 2 pages ('index.md', 'guide.md')" in warning
    assert f"Could not reach {base_url}/" in warning
    assert "check that the service is running and that base_url" in warning
    assert "was refused" not in warning
    assert "sk-test-corpus" not in run.output
    page = soup(run.site_dir / "index.html")
    assert meta_values(page, "property", "og:image") == [FALLBACK]


def test_a_refused_key_warns_once_and_says_which_setting(
    tmp_path: Path, local_server: LocalServer
) -> None:
    wrong = "sk-wrong-" + "x" * 16
    assert wrong != local_server.api_key
    run = mkdocs(hosted_site(tmp_path, local_server.base_url), env={"PICTIFY_API_KEY": wrong})
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    [warning] = warnings_of(run.output)
    assert "no new card for 2 pages ('index.md', 'guide.md')" in warning
    assert "the service refused the API key" in warning
    assert "check PICTIFY_API_KEY (or the api_key option) and base_url" in warning
    assert wrong not in run.output
    assert meta_values(soup(run.site_dir / "guide" / "index.html"), "property", "og:image") == [
        FALLBACK
    ]


# -- front matter: one build, each page's message attributed by its name ---------------------

LONG = "a" * 10_000

#: (page, front matter, fragment of its warning; None when the page is fine and gets a card).
FRONT_MATTER = [
    ("image-number.md", "image: 42", "'image' must be an image path or URL (text), got int 42"),
    ("desc-mapping.md", "description: {a: 1}", "'description' must be text, got dict"),
    ("title-list.md", "title: [a, b]", "'title' must be text, got list"),
    ("title-date.md", "title: 2024-01-01", "'title' must be text, got date"),
    ("pictify-yes.md", 'pictify: "yes"', "'pictify' must be false or a mapping with enabled,"),
    ("pictify-typo.md", "pictify: {titel: x}", "unknown entry 'pictify.titel' (did you mean"),
    (
        "pictify-width.md",
        "pictify: {width: big}",
        "unknown entry 'pictify.width'; use one of enabled, template, template_file",
    ),
    ("pictify-image.md", "pictify: {image: 42}", "'pictify.image' must be an image path or URL"),
    (
        "pictify-vars.md",
        "pictify: {variables: [1]}",
        "'pictify.variables' must be a mapping name -> text",
    ),
    (
        "pictify-tpl.md",
        "pictify: {template_file: nope.html}",
        "'pictify.template_file': the template file 'nope.html' does not exist",
    ),
    ("title-html.md", 'title: "<b>bold</b> & <i>it</i>"', None),
    ("title-control.md", 'title: "bell\\a and \\e escape"', None),
    ("title-long.md", f'title: "{LONG}"', None),
    ("desc-long.md", f'description: "{"d" * 10_000}"', None),
    ("title-rtl.md", 'title: "مرحبا بالعالم \\u202e abc"', None),
    ("title-null.md", "title: null", None),
    ("pictify-true.md", "pictify: true", None),
]
GOOD_PAGES = {"index.md": "# Home\n", "guide.md": "# Guide\n"}


@dataclass
class PageBuild:
    run: Run
    root: Path


@pytest.fixture(scope="module")
def front_matter_build(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> PageBuild:
    root = tmp_path_factory.mktemp("front-matter")
    pages = dict(GOOD_PAGES)
    for name, front_matter, _ in FRONT_MATTER:
        pages[name] = f"---\n{front_matter}\n---\n# Body of {name}\n"
    # Two sources for one URL: MkDocs writes one page; it must still carry one card, and the
    # build warns once, naming both.
    pages["dup.md"] = "# Dup\n"
    pages["dup/index.md"] = "# Dup too\n"
    options = f"      cache_dir: {shared_cache}\n      fallback_image: {FALLBACK}\n"
    return PageBuild(mkdocs(site(root, options, pages)), root)


def page_html(build: PageBuild, name: str) -> Path:
    return build.run.site_dir / name.removesuffix(".md") / "index.html"


@pytest.mark.parametrize(
    ("name", "expected"),
    [pytest.param(name, expected, id=name) for name, _, expected in FRONT_MATTER],
)
def test_front_matter_mistakes_fall_back_with_one_warning_each(
    front_matter_build: PageBuild, name: str, expected: str | None
) -> None:
    run = front_matter_build.run
    assert run.returncode == 0, run.output
    assert_no_traceback(run.output)
    mine = [line for line in warnings_of(run.output) if f"page '{name}'" in line]
    if expected is None:
        assert mine == []
        assert_real_card(page_html(front_matter_build, name), SITE_URL)
    else:
        [warning] = mine
        assert warning.startswith(f"WARNING -  pictify: no new card for page '{name}': ")
        assert expected.format(root=front_matter_build.root) in warning, warning
        page = soup(page_html(front_matter_build, name))
        assert meta_values(page, "property", "og:image") == [FALLBACK]
    # The good pages keep their cards whatever their neighbours hold.
    assert_real_card(run.site_dir / "index.html", SITE_URL)
    assert_real_card(run.site_dir / "guide" / "index.html", SITE_URL)


def test_a_title_with_html_is_escaped_in_the_tags(front_matter_build: PageBuild) -> None:
    html = page_html(front_matter_build, "title-html.md").read_text("utf-8")
    # Only our tags: the theme's own <title> is MkDocs' business.
    tags = [line.strip() for line in html.splitlines() if "<meta" in line and "og:" in line]
    assert tags
    assert not [tag for tag in tags if "<b>" in tag], tags
    # Inline formatting is dropped from the tag text (see pictify_ssg.core.markup); the
    # ampersand is escaped.
    assert '<meta property="og:title" content="bold &amp; it">' in tags


def test_two_sources_of_one_url_leave_one_card_and_one_warning(
    front_matter_build: PageBuild,
) -> None:
    page = soup(front_matter_build.run.site_dir / "dup" / "index.html")
    assert len(meta_values(page, "property", "og:image")) == 1
    assert_no_traceback(front_matter_build.run.output)
    # MkDocs writes both to dup/index.html without a word (the last one wins): the one
    # warning about it is ours, naming both pages and what to do.
    about_dup = [line for line in warnings_of(front_matter_build.run.output) if "dup" in line]
    assert about_dup == [
        "WARNING -  pictify: pages 'dup.md' and 'dup/index.md' share the URL /dup/: a link to "
        "it shows only one of them, with that page's card; give each page its own URL (MkDocs: "
        "rename or move the file; Pelican: change its Slug, URL or Save_as metadata)"
    ]


# -- pelicanconf.py: stop at start-up --------------------------------------------------------

GOOD_ARTICLE = {"one.md": "Title: First article\nDate: 2026-02-01\n\nBody one.\n"}

#: (id, settings line, fragment); ``{root}`` is the site folder.
PELICAN_SETTINGS = [
    ("width", "PICTIFY_WIDTH = 'wide'", "option 'PICTIFY_WIDTH': must be a whole number"),
    ("format", "PICTIFY_FORMAT = 'gif'", "option 'PICTIFY_FORMAT': must be 'png', 'jpeg' or"),
    ("unknown", "PICTIFY_COLOUR = 'red'", "unknown option 'PICTIFY_COLOUR'; known options:"),
    ("typo", "PICTIFY_CACHEDIR = 'x'", "(did you mean 'PICTIFY_CACHE_DIR'?)"),
    ("backend", "PICTIFY_BACKEND = 'cloud'", "option 'PICTIFY_BACKEND': must be 'auto', 'hosted'"),
    ("enabled", "PICTIFY_ENABLED = 'sometimes'", "option 'PICTIFY_ENABLED': must be true or"),
    ("quality", "PICTIFY_QUALITY = 0", "option 'PICTIFY_QUALITY': must be greater than or equal"),
    ("drafts", "PICTIFY_INCLUDE_DRAFTS = 'yes'", "PICTIFY_INCLUDE_DRAFTS must be True or False"),
    ("write-tags", "PICTIFY_WRITE_TAGS = [1]", "PICTIFY_WRITE_TAGS must be True or False, not [1]"),
    ("site-url", "PICTIFY_SITE_URL = 'nope'", "option 'PICTIFY_SITE_URL': site_url must be an"),
    (
        "renderer-hosts",
        "PICTIFY_RENDERER_HOSTS = ['https://x/']",
        "option 'PICTIFY_RENDERER_HOSTS': 'https://x/' is not a host name",
    ),
    (
        "allowed-dirs",
        "PICTIFY_ALLOWED_DIRS = ['nowhere']",
        "option 'PICTIFY_ALLOWED_DIRS': {root}/nowhere is not a folder",
    ),
    (
        "output-dir",
        "PICTIFY_OUTPUT_DIR = '/abs'",
        "option 'PICTIFY_OUTPUT_DIR': must be a relative folder inside the built site",
    ),
    (
        "template-file",
        "PICTIFY_TEMPLATE_FILE = 'nope.html'",
        "option 'PICTIFY_TEMPLATE_FILE': file {root}/nope.html does not exist",
    ),
    (
        "template-file-empty",
        "PICTIFY_TEMPLATE_FILE = ''",
        "option 'PICTIFY_TEMPLATE_FILE': is empty; name the card template, e.g. card.html",
    ),
    # The cache is opened by the build, not by the settings check: its messages come from the
    # core, which names the option as the core spells it; Pelican users set PICTIFY_CACHE_DIR.
    (
        "cache-dir-file",
        "PICTIFY_CACHE_DIR = 'file.txt'",
        "the card cache folder {root}/file.txt is a file; remove it or set PICTIFY_CACHE_DIR to "
        "another folder",
    ),
    (
        "cache-dir-unwritable",
        "PICTIFY_CACHE_DIR = '/proc/pictify-cache'",
        "cannot open the card cache at /proc/pictify-cache: [Errno 2] No such file or directory: "
        "'/proc/pictify-cache'; make the folder writable or set PICTIFY_CACHE_DIR to another "
        "folder",
    ),
]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [pytest.param(settings, expected, id=name) for name, settings, expected in PELICAN_SETTINGS],
)
def test_pelican_setting_mistakes_stop_the_build(
    tmp_path: Path, settings: str, expected: str
) -> None:
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    config = make_pelican_site(
        tmp_path, f'PLUGINS = ["pictify"]\n{settings}\n', GOOD_ARTICLE, site_url=PELICAN_URL
    )
    result = run_pelican_cli(config)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert_no_traceback(output)
    [critical] = pelican_log(output, "CRITICAL")
    assert critical.split(":", 1)[0] in ("PictifySettingsError", "BuildError")
    assert expected.format(root=tmp_path) in " ".join(output.split()), output
    # Never the core's spelling of an option: a Pelican user cannot set "cache_dir".
    assert "set cache_dir" not in output
    assert pelican_log(output, "WARNING") == []


# -- Pelican metadata: one build, each article's message attributed by its name --------------

#: (file, extra metadata from EXTRA_PATH_METADATA, metadata in the file, fragment or None).
PELICAN_METADATA: list[tuple[str, dict[str, object], str, str | None]] = [
    ("switch.md", {}, "Pictify: maybe", "metadata 'Pictify' must be true or false, not 'maybe'"),
    (
        "vars-list.md",
        {},
        'Pictify_Variables: ["red"]',
        "metadata 'Pictify_Variables' must be a JSON object such as",
    ),
    ("og-number.md", {"og_image": 42}, "", "metadata 'Og_Image' must be an image path or URL"),
    ("desc-dict.md", {"description": {"a": 1}}, "", "metadata 'Description' must be text"),
    ("html-title.md", {}, "", None),
    ("rtl-title.md", {}, "", None),
    ("long-title.md", {}, "", None),
]
PELICAN_TITLES = {
    "html-title.md": "<script>alert(1)</script> & more",
    "rtl-title.md": "مرحبا بالعالم",
    "long-title.md": "t" * 10_000,
}


@pytest.fixture(scope="module")
def pelican_build(
    tmp_path_factory: pytest.TempPathFactory, shared_cache: Path
) -> tuple[str, Path, int]:
    root = tmp_path_factory.mktemp("pelican-metadata")
    articles = dict(GOOD_ARTICLE)
    extra = {}
    for index, (name, more, metadata, _) in enumerate(PELICAN_METADATA):
        title = PELICAN_TITLES.get(name, f"Article {name}")
        slug = name.removesuffix(".md")
        articles[name] = (
            f"Title: {title}\nSlug: {slug}\nDate: 2026-02-{index + 2:02d}\n{metadata}\n\nBody.\n"
        )
        if more:
            extra[name] = more
    settings = (
        'PLUGINS = ["pictify"]\n'
        f'PICTIFY_CACHE_DIR = "{shared_cache}"\nPICTIFY_FALLBACK_IMAGE = "{FALLBACK}"\n'
        f"EXTRA_PATH_METADATA = {extra!r}\n"
    )
    result = run_pelican_cli(make_pelican_site(root, settings, articles, site_url=PELICAN_URL))
    return result.stdout + result.stderr, root / "output", result.returncode


@pytest.mark.parametrize(
    ("name", "expected"),
    [pytest.param(name, expected, id=name) for name, _, _, expected in PELICAN_METADATA],
)
def test_pelican_metadata_mistakes_fall_back_with_one_warning_each(
    pelican_build: tuple[str, Path, int], name: str, expected: str | None
) -> None:
    output, site_dir, returncode = pelican_build
    assert returncode == 0, output
    assert_no_traceback(output)
    mine = [line for line in pelican_log(output, "WARNING") if f"page '{name}'" in line]
    html = site_dir / f"{name.removesuffix('.md')}.html"
    if expected is None:
        assert mine == []
        assert_real_card(html, PELICAN_URL)
    else:
        [warning] = mine
        assert warning.startswith(f"pictify: no new card for page '{name}': {expected}"), warning
        assert meta_values(soup(html), "property", "og:image") == [FALLBACK]
    assert_real_card(site_dir / "first-article.html", PELICAN_URL)


def test_an_empty_pelican_site_builds_quietly(tmp_path: Path, shared_cache: Path) -> None:
    settings = f'PLUGINS = ["pictify"]\nPICTIFY_CACHE_DIR = "{shared_cache}"\n'
    result = run_pelican_cli(make_pelican_site(tmp_path, settings, {}, site_url=PELICAN_URL))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert_no_traceback(output)
    assert pelican_log(output, "CRITICAL") == []
    assert pelican_log(output, "ERROR") == []


# -- Pelican: pages sharing one URL ----------------------------------------------------------

SAME_URL = "URL: same.html\nSave_as: {save_as}\n"

#: (id, articles and pages, output files that must carry a real card, the one duplicate
#: warning or None when none is due).
PELICAN_SHARED_URLS: list[tuple[str, dict[str, str], list[str], str | None]] = [
    (
        "explicit-url",
        {
            "a.md": "Title: Article A\nDate: 2026-02-01\n" + SAME_URL.format(save_as="a.html"),
            "b.md": "Title: Article B\nDate: 2026-02-02\n" + SAME_URL.format(save_as="b.html"),
        },
        ["a.html", "b.html"],
        "pictify: pages 'b.md' and 'a.md' share the URL /same.html: a link to it shows only one "
        "of them, with that page's card; give each page its own URL (MkDocs: rename or move the "
        "file; Pelican: change its Slug, URL or Save_as metadata)",
    ),
    # Pelican's static home page replaces the index listing at its URL: not a mistake.
    (
        "static-home-page",
        {
            "one.md": GOOD_ARTICLE["one.md"],
            "pages/home.md": "Title: Welcome home\nURL:\nSave_as: index.html\n\nHome.\n",
        },
        ["first-article.html", "index.html"],
        None,
    ),
]


@pytest.mark.parametrize(
    ("articles", "carded", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in PELICAN_SHARED_URLS],
)
def test_pelican_pages_sharing_a_url_get_one_warning_naming_them(
    tmp_path: Path,
    shared_cache: Path,
    articles: dict[str, str],
    carded: list[str],
    expected: str | None,
) -> None:
    (tmp_path / "content" / "pages").mkdir(parents=True)
    settings = f'PLUGINS = ["pictify"]\nPICTIFY_CACHE_DIR = "{shared_cache}"\n'
    result = run_pelican_cli(make_pelican_site(tmp_path, settings, articles, site_url=PELICAN_URL))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert_no_traceback(output)
    assert pelican_log(output, "WARNING") == ([expected] if expected else [])
    # Every page keeps its card whatever its neighbours do.
    for name in carded:
        assert_real_card(tmp_path / "output" / name, PELICAN_URL)
    if expected is None:
        # The static home page carries its own card, not the site card of the listings.
        home = soup(tmp_path / "output" / "index.html")
        assert meta_values(home, "property", "og:title") == ["Welcome home"]
