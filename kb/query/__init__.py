"""Questions to answers: cypher/ templates (templates.py), the router (router.py), semantic search (semantic.py), ask.py."""
