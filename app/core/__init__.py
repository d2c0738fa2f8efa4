"""The Qt-free core: ingest, store, scoring and analysis as plain Python over DuckDB."""
