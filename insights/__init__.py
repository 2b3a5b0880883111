"""Prospect import, pseudonymisation, AIDA stages, propensity scoring, segments and privacy-safe shared aggregates."""
