"""Lessons, method cards and experience-exchange meetings as Wagtail pages, their import and digest (TILLSAMMANS)."""
