"""Namespace shim so PLUGINS = ["pictify"] finds the adapter."""

from pictify_pelican.plugin import register

__all__ = ["register"]
