"""pytest configuration. Shared helpers live in helper modules (tests/stack_fixtures.py and others)."""
