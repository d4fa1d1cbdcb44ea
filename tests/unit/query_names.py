"""What the query-building tests look for in a query: the `_name` of every clause."""

from __future__ import annotations


def clause_names(node: object) -> set[str]:
    """Every `_name` in a query tree."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("_name"), str):
            found.add(node["_name"])
        for value in node.values():
            found |= clause_names(value)
    elif isinstance(node, list):
        for value in node:
            found |= clause_names(value)
    return found
