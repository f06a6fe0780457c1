"""Pull connectors: fetch records from live systems and land them on the landing contract.

A connector never writes the warehouse. It writes validated-by-the-loader-later files to
``<landing>/<source>/dt=YYYY-MM-DD/`` exactly as a file export would, so one loader,
one contract and one quarantine serve every channel.
"""
