"""`make bench`: Limber under load on PostgreSQL, measured against a baseline in the same run.

`python -m clinic.benchmark` prepares the database and the scale clinic, starts gunicorn with
production settings, drives each target in `targets.py` with wrk and writes
docs/benchmarks.md.
"""
