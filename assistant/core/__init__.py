"""Shared types and settings: the lowest layer, imported by every other."""
