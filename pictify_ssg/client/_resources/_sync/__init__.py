# Generated from _resources/_async/__init__.py by scripts/unasync.py: edit that file, not this one.
"""The API resources of :class:`Pictify`: the source ``scripts/unasync.py`` derives the
sync resources (``_resources/_sync``) from."""
