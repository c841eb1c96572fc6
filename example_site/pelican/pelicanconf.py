"""Example Pelican site for pictify-ssg: every article and page gets a card from ../card.html.

So do the home page and archives (one site card), and each category, tag and author page;
the paginated pages (index2.html, ...) share the card of their listing.

Build it with `bash scripts/build-examples` (no API key needed: the local Chromium renders).
"""

AUTHOR = "Pictify Team"
SITENAME = "Pictify Example Blog"
SITESUBTITLE = "Social cards for every article, rendered from one HTML template"
SITEURL = "https://example.org/blog"
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE = "fs"
RELATIVE_URLS = False
ARTICLE_PATHS = ["tutorials", "international"]
PAGE_PATHS = ["pages"]
USE_FOLDER_AS_CATEGORY = True
DELETE_OUTPUT_DIRECTORY = True
# Pages of four articles: index.html, index2.html, ... all carry the site card.
DEFAULT_PAGINATION = 4

# No feeds: they need an absolute SITEURL in development and are not about cards.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

PLUGINS = ["pictify"]
# Relative paths start at this file's folder (the cache defaults to .cache/pictify here).
PICTIFY_TEMPLATE_FILE = "../card.html"
PICTIFY_GALLERY = True
# Articles with "Pictify_Layout: accent" use a built-in layout instead, showing SITELOGO.
SITELOGO = "images/logo.svg"
STATIC_PATHS = ["images"]
PICTIFY_LAYOUT_OPTIONS = {"accent": "#e4572e"}
# Cards for the home page, archives and category/tag/author pages (the default).
PICTIFY_LISTING_CARDS = True
