"""The llm-platform-baseline policy pack: the security baseline as plain, importable rule functions.

`policy/rules/` holds the rules (pure Python, no Pulumi import); `policy/__main__.py` adapts them to
CrossGuard (`pulumi preview --policy-pack policy`); `policy/offline.py` runs them over a mock-engine
rendering (`make plan`). Both adapters feed the rules the same neutral record, so one rule decides once.
"""
