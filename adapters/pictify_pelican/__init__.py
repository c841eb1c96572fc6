"""Pelican adapter: ``PLUGINS = ["pictify_pelican"]`` (dotted) or ``["pictify"]`` (namespace)."""

from pictify_pelican.plugin import register

__all__ = ["register"]
