"""The read side: named read-only queries, the query surface, exports and the static HTML report."""
