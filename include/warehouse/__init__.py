"""The dbt warehouse: running dbt, its cosmos configuration, the PostgreSQL mirror of raw,
and the measurements (rows per mart, share of interactions tagged ``other``).

Commands: ``xe build`` (dbt build with timing and mart stats), ``xe warehouse mirror-pg``
(copy raw.* from DuckDB to PostgreSQL), ``xe eval real-reviews`` (``other`` share on real
review text), ``xe bench warehouse`` (dbt build at ~1,000,000 interactions).
"""
