"""Conversations around the work: comments on sprints and knowledge pages, watching, notifications and their e-mail,
and the signed-in person's start page."""
