"""The benchmarks (README.md, Benchmarks): scripts run from the repository root as `.venv/bin/python bench/<name>.py`
or `.venv/bin/python -m bench.<name>`.

A package, so that mypy checks them as `bench.<name>` and their module names (bench/dashboard.py) do not shadow the
apps'. Run as a file, a script first puts the repository root in place of bench/ at the head of sys.path, so that
`import dashboard` is the app and `from bench import harness` resolves as it does under `-m`.
"""
