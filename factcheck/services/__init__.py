"""Use cases. Each takes a session explicitly, raises services.errors, and commits once at its end."""
