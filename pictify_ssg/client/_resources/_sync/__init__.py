# Generated from _resources/_async/__init__.py by scripts/unasync.py: edit that file, not this one.
"""The API resources of :class:`Pictify`, one module per resource."""
