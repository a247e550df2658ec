"""Developer and test tooling for the hub (not shipped with the package)."""
