"""The programme dashboard and municipality pages: the whole programme at a glance (aggregates only)."""
