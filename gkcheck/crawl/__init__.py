"""Crawling the website columns of each unit into the SQLite store (gkcheck.db).

config (sites YAML) -> fetch (polite HTTP) -> extract / body (list pages, post pages)
-> store (SQLite) -> evidence (gkcheck.model.Column per unit and column).
"""
