"""Replaying real daily sales through the check's own rules, to compare reorder policies
(``sheets-bot simulate``, ``benchmarks/policy.py``)."""
