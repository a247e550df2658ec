"""The hub's HTTP service: a Starlette app (GraphQL, health, exports)."""
