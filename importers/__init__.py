"""Importers: fetch each centre's feeds, parse, normalise, resolve actors, and sync into the store port."""
