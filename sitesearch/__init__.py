"""The site search: the search page and its JSON API over knowledge pages and sprints (the engine is knowledge.search)."""
