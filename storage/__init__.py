"""Persistence only: safe, shared, JSON-file storage for perftui's documents.

Nothing here imports textual or any of perftui: the store deals in plain JSON documents.
"""
