"""The dbt warehouse: running dbt, its cosmos configuration, the PostgreSQL mirror of raw,
and the measurements (rows per mart, share of interactions tagged ``other``).

Entry points::

    python -m include.warehouse.build --help        # dbt build with timing and mart stats
    python -m include.warehouse.pg_mirror --help    # copy raw.* from DuckDB to PostgreSQL
    python -m include.warehouse.real_reviews --help # `other` share on real review text
    python -m include.warehouse.bench --help        # dbt build at ~1,000,000 interactions
"""
