"""The API resources of :class:`AsyncPictify`, one module per resource."""
