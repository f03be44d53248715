"""Use cases.

Each takes a session explicitly, raises services.errors, and runs its writes in one
`with transaction(session):` block (services/transaction.py), which commits them together or
rolls them all back; callers never commit or roll back.
"""
