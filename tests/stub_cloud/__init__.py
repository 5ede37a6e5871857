"""A minimal cloud the test suite registers (tests/test_stub_cloud.py): one package, no core edits.

It has every part a cloud has — a config block, a bridge, mocks, an adapter and policy rules — each
as small as the contract allows, so the registry's promise is shown rather than described.
"""
