"""Pelican adapter."""
