"""Help for template authors: names a template reads that no card variable provides.

A template printing ``{{titel}}`` renders an empty line where the title should be, and
nothing says why. Each build compares the names a file template or layout reads with the
variables the pipeline sends (the defaults, the ``variables`` setting and the pages' own
``pictify.variables``) and warns once per unknown name, with the closest known one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

from pictify_ssg.core.card_templates import TemplateVersion, handlebars_variables
from pictify_ssg.core.settings import Settings
from pictify_ssg.core.variables import DEFAULT_VARIABLES

# Inside these blocks names belong to the item or object, not to the card's variables.
_SCOPED_BLOCK = re.compile(r"\{\{~?#(each|with)\b.*?\{\{~?/\1\s*~?\}\}", re.S)


def unknown_variables(html: str, known: Iterable[str]) -> list[tuple[str, str | None]]:
    """Names ``html`` reads outside ``each``/``with`` blocks that are not in ``known``,
    each with the closest known name (or None)."""
    known = sorted(set(known))
    names = handlebars_variables(_SCOPED_BLOCK.sub(" ", html))
    found = []
    for name in sorted(names - set(known)):
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        found.append((name, guess[0] if guess else None))
    return found


def check_template_variables(
    templates: Iterable[TemplateVersion],
    settings: Settings,
    page_variables: Iterable[str],
    warn: Callable[[str], None],
) -> None:
    """Warn about each name a local template reads that no variable provides.

    Templates on the service (uids) are left alone: their variable list is declared there.
    """
    known = {*DEFAULT_VARIABLES, *settings.variables, *page_variables}
    known -= {name for name, value in settings.variables.items() if value is None}
    for template in templates:
        if template.html is None or template.path is None:
            continue
        for name, guess in unknown_variables(template.html, known):
            hint = (
                f"did you mean `{guess}`?"
                if guess
                else ("add it to the 'variables' option or remove it from the template")
            )
            warn(
                f"pictify: template {template.path} reads `{{{{{name}}}}}`, which no card "
                f"variable provides (it renders empty); {hint}"
            )
