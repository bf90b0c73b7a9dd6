"""Questions to answers: gazetteer, frame (classifier), conversations, cypher/ templates, semantic fallback (docs/QUERIES.md)."""
