"""Child process of ``bench/site_builds.py``: one real ``mkdocs build``, then its own peak RSS.

Run: ``python bench/_site_child.py RESULT.json -f mkdocs.yml [--profile OUT.prof]``.

The build goes through MkDocs' own command line (``mkdocs build -f ...``) in this process, so
everything ``mkdocs build`` imports and does is counted. A separate process per build is what
makes ``ru_maxrss`` mean "peak memory of this build": it never goes down, so two builds in one
process could not be told apart. ``RUSAGE_CHILDREN`` adds the largest process this build
started and waited for (the local renderer's Chromium on a cold pictify build).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import sys
import time
from pathlib import Path


def _run_mkdocs(config: str) -> int:
    # Imported here so the profile (when asked for) also sees MkDocs' own start-up.
    from click import ClickException
    from mkdocs.__main__ import cli

    try:
        cli.main(args=["build", "-f", config], prog_name="mkdocs", standalone_mode=False)
    except ClickException as error:  # MkDocs' Abort/PluginError/ConfigurationError
        print(f"mkdocs build failed: {error.format_message()}", file=sys.stderr)
        return 1
    except SystemExit as stop:  # click exits on usage errors even outside standalone mode
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Build once and write ``{"rc", "maxrss_kb", "children_maxrss_kb", "cpu_s", ...}``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("result", type=Path, help="where to write the JSON result")
    parser.add_argument("-f", "--config-file", required=True, help="the site's mkdocs.yml")
    parser.add_argument("--profile", type=Path, help="write a cProfile dump of the build here")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    if args.profile is not None:
        profiler = cProfile.Profile()
        rc = profiler.runcall(_run_mkdocs, args.config_file)
        profiler.dump_stats(str(args.profile))
    else:
        rc = _run_mkdocs(args.config_file)
    in_process_s = time.perf_counter() - start

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Linux reports ru_maxrss in KiB.
    result = {
        "rc": rc,
        "maxrss_kb": own.ru_maxrss,
        "children_maxrss_kb": children.ru_maxrss,
        "cpu_s": own.ru_utime + own.ru_stime,
        "children_cpu_s": children.ru_utime + children.ru_stime,
        "in_process_s": in_process_s,
        "modules": len(sys.modules),
    }
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return rc


if __name__ == "__main__":
    sys.exit(main())
