"""The API resources of :class:`AsyncPictify`: the source ``scripts/unasync.py`` derives the
sync resources (``_resources/_sync``) from."""
