"""Settings per environment: base (shared), dev (embedded defaults), test, production."""
