"""The project package has no tables of its own: shared ones live in ``core.models``."""
