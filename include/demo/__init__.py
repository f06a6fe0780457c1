"""Deterministic demo data: the landing zone of a fictional multi-platform retailer.

Entry point: ``xe demo generate`` (API: ``include.demo.generate.generate``).
Modules: ``config`` (settings, incidents), ``catalog`` (platforms, products, promotions),
``people`` (customers and accounts), ``phrases`` and ``text`` (customer voice),
``simulate`` (day-by-day world), ``writers`` (JSON Lines / CSV / Parquet, malformed rows),
``ground_truth`` (incidents, voice labels, bad rows). Its benchmark is ``include/bench/demo.py``.
"""
