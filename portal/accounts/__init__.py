"""People and access: invitations, password reset, the second factor, the profile page and personal API tokens."""
