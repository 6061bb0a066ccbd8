"""Answering a query: its syntax, the whoosh query, scores from arrays or whoosh, snippets, folding."""
