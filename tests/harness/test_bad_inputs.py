"""Each bad input of DESIGN.md makes the suite fail with a message naming the file and line.

Every case builds a small fixture site (a few pages) in a temporary directory and runs
either the harness (pytest in a subprocess, exactly as `make test` collects docs/) or the
source checks on it. A good page is run too, so a harness that rejects everything fails.
"""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.docharness import checks

REPO = Path(__file__).resolve().parents[2]

MKDOCS_YML = """\
site_name: fixture
markdown_extensions:
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: true
"""

EXAMPLE = '''\
# --8<-- [start:double]
def double(x):
    return 2 * x
# --8<-- [end:double]


# --8<-- [start:broken]
def broken():
    return 1 / 0
# --8<-- [end:broken]
'''

GOOD_PAGE = """\
# Good { #good }

```python
--8<-- "examples/demo.py:double"
```

```python title="call.py"
print(double(21))
```

<!--pytest-codeblocks:expected-output-->
```text
42
```

=== "Tab"

    ```py
    assert double(2) == 4
    ```
"""


@pytest.fixture
def fixture_site(tmp_path):
    """A minimal site: mkdocs.yml, one example module, a good page pair, the harness enabled."""
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "demo.py").write_text(EXAMPLE)
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\npytest_plugins = ['tests.docharness.plugin']\n")
    for language in ("zh", "en"):
        write(tmp_path, f"docs/{language}/good.md", GOOD_PAGE)
    return tmp_path


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_harness(root: Path, *paths: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
         "--rootdir", str(root), *(paths or ["docs"])],
        cwd=root, capture_output=True, text=True, timeout=300,
    )


def assert_fails_naming(result, *needles):
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for needle in needles:
        assert needle in output, f"{needle!r} not in:\n{output[-3000:]}"


def test_a_good_site_passes_and_runs_every_block(fixture_site):
    result = run_harness(fixture_site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout  # zh blocks; identical en blocks run once
    assert "code blocks executed:      3 (+3 identical" in result.stdout


def test_missing_include_file(fixture_site):
    write(fixture_site, "docs/zh/bad.md", """\
        # Bad

        ```python
        --8<-- "examples/nowhere.py:double"
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:4", "examples/nowhere.py")


def test_missing_include_region(fixture_site):
    write(fixture_site, "docs/zh/bad.md", """\
        # Bad

        text

        ```python
        --8<-- "examples/demo.py:triple"
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:6", "triple")


def test_snippet_that_raises_names_page_line_and_included_file(fixture_site):
    write(fixture_site, "docs/zh/bad.md", """\
        # Bad

        ```python
        --8<-- "examples/demo.py:broken"

        broken()
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"),
                        "docs/zh/bad.md:3", "ZeroDivisionError", "examples/demo.py:9 (region 'broken')")


def test_wrong_expected_output(fixture_site):
    write(fixture_site, "docs/zh/bad.md", """\
        # Bad

        ```python
        print(1 + 1)
        ```

        <!--pytest-codeblocks:expected-output-->
        ```text
        3
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:3", "differs")


@pytest.mark.parametrize("fence", ["pycon", "ipython", "Python3-like"])
def test_python_fence_that_would_be_skipped_silently(fixture_site, fence):
    info = {"Python3-like": "pyodide"}.get(fence, fence)
    write(fixture_site, "docs/zh/bad.md", f"""\
        # Bad

        !!! note

            ```{info}
            >>> 1 + 1
            ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:5", "does not run")


def test_cont_block_after_a_skipped_block(fixture_site):
    write(fixture_site, "docs/zh/bad.md", """\
        # Bad

        <!--pytest.mark.skip(reason="needs a GPU")-->
        ```python
        x = 1
        ```

        <!--pytest-codeblocks:cont-->
        ```python
        print(x)
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:9", "skipped")


def test_skip_without_a_reason(fixture_site):
    write(fixture_site, "docs/zh/bad.md", """\
        # Bad

        <!--pytest.mark.skip-->
        ```python
        x = 1
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:3", "reason")


@pytest.mark.parametrize("marker", ["pytest-codeblocks:skip", "pytest-codeblocks:expect-errors",
                                    "pytest.mark.slowly"])
def test_unknown_or_deprecated_marker(fixture_site, marker):
    write(fixture_site, "docs/zh/bad.md", f"""\
        # Bad

        <!--{marker}-->
        ```python
        x = 1
        ```
        """)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.md"), "docs/zh/bad.md:3", "marker")


def test_skipped_block_is_reported_with_its_reason(fixture_site):
    write(fixture_site, "docs/zh/skip.md", """\
        # Skip

        <!--pytest.mark.skip(reason="needs a GPU")-->
        ```python
        import cupy
        ```
        """)
    result = run_harness(fixture_site, "docs/zh/skip.md")
    assert result.returncode == 0, result.stdout
    assert "needs a GPU" in result.stdout and "code blocks skipped:       1" in result.stdout


def test_fresh_process_page_runs_in_a_new_interpreter(fixture_site):
    write(fixture_site, "docs/zh/fresh.md", """\
        # Fresh

        <!--pytest.mark.fresh_process-->
        ```python
        import sys
        assert "_pytest" not in sys.modules
        value = 41
        ```

        ```python
        print(value + 1)
        ```

        <!--pytest-codeblocks:expected-output-->
        ```text
        42
        ```
        """)
    result = run_harness(fixture_site, "docs/zh/fresh.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_blocks_of_one_page_share_a_namespace_but_pages_do_not(fixture_site):
    write(fixture_site, "docs/zh/a.md", "# A\n\n```python\nshared = 1\n```\n\n```python\nassert shared == 1\n```\n")
    write(fixture_site, "docs/zh/b.md", "# B\n\n```python\nassert 'shared' not in globals()\n```\n")
    result = run_harness(fixture_site, "docs/zh/a.md", "docs/zh/b.md")
    assert result.returncode == 0, result.stdout + result.stderr


def test_notebook_cell_that_raises(fixture_site):
    nb = new_notebook(cells=[new_markdown_cell('<h2 id="x">X</h2>'), new_code_cell("print(1)"),
                             new_code_cell("1 / 0")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    path = fixture_site / "docs/zh/bad.ipynb"
    nbformat.write(nb, path)
    assert_fails_naming(run_harness(fixture_site, "docs/zh/bad.ipynb"),
                        "docs/zh/bad.ipynb: cell 3 raised", "ZeroDivisionError")


# -- source checks: the same functions test_sources.py runs on the real site ------------
def test_broken_internal_link(fixture_site):
    write(fixture_site, "docs/zh/links.md", "# L\n\nsee [the missing page](missing.md).\n")
    assert checks.check_links(fixture_site) == [
        "docs/zh/links.md:3: broken link 'missing.md': no such file"]


def test_missing_anchor(fixture_site):
    write(fixture_site, "docs/zh/links.md", "# L { #l }\n\n## Part { #part }\n\n[x](good.md#nowhere) [y](#part)\n")
    assert checks.check_links(fixture_site) == [
        "docs/zh/links.md:5: link 'good.md#nowhere': docs/zh/good.md has no anchor '#nowhere'"]


def test_page_missing_in_one_language(fixture_site):
    write(fixture_site, "docs/zh/only.md", "# Only\n")
    assert checks.check_parity(fixture_site) == [
        "docs/zh/only.md:1: page has no en translation (expected docs/en/only.md)"]


def test_code_that_differs_between_languages(fixture_site):
    write(fixture_site, "docs/en/good.md", GOOD_PAGE.replace("print(double(21))", "print(double(20) + 2)"))
    problems = checks.check_parity(fixture_site)
    assert problems and problems[0].startswith("docs/zh/good.md:7: code block differs from docs/en/good.md:7")


def test_translated_comments_are_not_a_difference(fixture_site):
    write(fixture_site, "docs/zh/good.md", GOOD_PAGE.replace("print(double(21))", "print(double(21))  # 打印 42"))
    assert checks.check_parity(fixture_site) == []


def test_heading_without_anchor(fixture_site):
    write(fixture_site, "docs/zh/h.md", "# Title\n\n## 小节\n")
    write(fixture_site, "docs/en/h.md", "# Title\n\n## Part { #part }\n")
    assert "docs/zh/h.md:3: heading has no explicit anchor; add { #english-id }" in checks.check_heading_anchors(fixture_site)


def test_a_page_runs_on_one_worker_under_xdist(fixture_site):
    # pytest 9.2 + pytest-xdist 3.8 silently stopped grouping (pytest-xdist#1386): a page's
    # blocks then ran on both workers, and every page ran twice. This pins the behaviour.
    for name in ("a", "b", "c"):
        blocks = "".join(f"```python\nx_{i} = {i}\n```\n\n" for i in range(4))
        write(fixture_site, f"docs/zh/{name}.md", f"# {name}\n\n{blocks}")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-v",
         "--rootdir", str(fixture_site), "docs/zh/a.md", "docs/zh/b.md", "docs/zh/c.md"],
        cwd=fixture_site, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    workers = {}
    for worker, page in re.findall(r"\[(gw\d)\].*?PASSED (docs/zh/\w+\.md)::", result.stdout):
        workers.setdefault(page, set()).add(worker)
    assert len(workers) == 3 and all(len(w) == 1 for w in workers.values()), workers


def test_glossary_entry_without_a_page_link(fixture_site):
    for language in ("zh", "en"):
        write(fixture_site, f"docs/{language}/glossary.md",
              "# G\n\n## Part { #part }\n\n### Linked { #linked }\n\nSee [good](good.md#good).\n\n"
              "### Orphan { #orphan }\n\nNo link here.\n")
    assert checks.check_glossary_entries(fixture_site) == [
        "docs/zh/glossary.md:9: glossary entry links no page",
        "docs/en/glossary.md:9: glossary entry links no page"]


def test_home_index_must_link_each_nav_page_once(fixture_site):
    (fixture_site / "mkdocs.yml").write_text(MKDOCS_YML + "nav:\n  - index.md\n  - good.md\n  - other.md\n")
    for language in ("zh", "en"):
        write(fixture_site, f"docs/{language}/other.md", "# Other\n")
    write(fixture_site, "docs/zh/index.md", "# Home\n\n[a](good.md) [again](good.md)\n")
    write(fixture_site, "docs/en/index.md", "# Home\n\n[a](good.md) [b](other.md) [c](stray.md)\n")
    assert checks.check_home_index(fixture_site) == [
        "docs/zh/index.md:1: links good.md 2 times (lines 3, 3), expected once",
        "docs/zh/index.md:1: links other.md 0 times, expected once",
        "docs/en/index.md:3: links stray.md, which is not in mkdocs.yml's nav"]
