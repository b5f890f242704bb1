"""Composing the grounded answer and its citations."""
