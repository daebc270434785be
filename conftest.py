"""Root conftest: the doc-test harness must see docs/ as well as tests/."""

pytest_plugins = ["tests.docharness.plugin"]
