"""`make test-latest` ends with scripts/broken_pages.py: failures grouped by page, exit 1."""

from scripts.broken_pages import main

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3">
<testcase classname="docs.zh.basics.optimizers.md" name="line 42" file="docs/zh/basics/optimizers.md">
  <failure message="docs/zh/basics/optimizers.md:42: block raised AttributeError: no attribute 'SGD'">...</failure>
</testcase>
<testcase classname="tests.basics.test_losses" name="test_mse" file="tests/basics/test_losses.py"/>
<testcase classname="tests.basics.test_losses" name="test_focal" file="tests/basics/test_losses.py">
  <error message="ImportError: cannot import name 'BinaryFocalCrossentropy'">...</error>
</testcase>
</testsuite></testsuites>
"""


def test_failures_are_listed_by_page(tmp_path, capsys):
    report = tmp_path / "report.xml"
    report.write_text(REPORT, encoding="utf-8")
    assert main(str(report)) == 1
    out = capsys.readouterr().out
    assert "2 of 3 items break, in 2 files" in out
    assert "docs/zh/basics/optimizers.md\n      line 42: docs/zh/basics/optimizers.md:42: block raised" in out
    assert "tests/basics/test_losses.py\n      test_focal: ImportError" in out


def test_a_clean_report_passes(tmp_path, capsys):
    report = tmp_path / "report.xml"
    report.write_text(REPORT.split("<testcase")[0] + "</testsuite></testsuites>", encoding="utf-8")
    assert main(str(report)) == 0
