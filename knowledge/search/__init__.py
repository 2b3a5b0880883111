"""Search for the knowledge base: a Whoosh backend for Wagtail's search layer (modelsearch), analysis, spelling, aliases."""
