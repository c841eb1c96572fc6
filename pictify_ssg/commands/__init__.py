"""Subcommands of ``pictify-ssg`` beyond ``serve``: one module per command.

Each module has an ``add_<name>(subparsers)`` function that `pictify_ssg.cli.COMMANDS` lists.
"""
