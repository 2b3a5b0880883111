"""Pure pandas/scikit-learn core of insights: import schema, reading, validation, AIDA stages, model, segments."""
