"""Source-level rules of the site, each reported with file and line (see tests/docharness/checks.py)."""

from tests.docharness import checks
from tests.docharness.audit import audit_page
from tests.docharness.pages import Page, docs_pages
from tests.conftest import ROOT


def test_every_page_exists_in_both_languages_with_the_same_anchors_and_code():
    assert checks.check_parity(ROOT) == []


def test_headings_carry_explicit_english_anchors():
    assert checks.check_heading_anchors(ROOT) == []


def test_internal_links_images_and_anchors_resolve():
    assert checks.check_links(ROOT) == []


def test_glossary_has_every_term_pages_list():
    assert checks.check_glossary_terms(ROOT) == []


def test_no_python_fence_is_skipped_silently():
    problems = [str(p) for path in docs_pages(ROOT) for p in audit_page(Page(path, ROOT))]
    assert problems == []


def test_nav_lists_only_pages_that_exist_in_both_languages():
    for page in checks.nav_pages(ROOT):
        for language in ("zh", "en"):
            assert (ROOT / "docs" / language / page).exists(), f"nav: {page} missing in {language}"


def test_every_page_is_in_the_nav():
    listed = set(checks.nav_pages(ROOT))
    for path in docs_pages(ROOT) + docs_pages(ROOT, ".ipynb"):
        rel = path.relative_to(ROOT / "docs")
        if rel.parts[0] in ("zh", "en"):
            assert "/".join(rel.parts[1:]) in listed, f"{path.relative_to(ROOT)} is not in mkdocs.yml's nav"


def test_every_example_module_has_a_test_module():
    for module in (ROOT / "examples").rglob("*.py"):
        if module.name == "__init__.py":
            continue
        test = ROOT / "tests" / module.parent.relative_to(ROOT / "examples") / f"test_{module.stem}.py"
        assert test.exists(), f"{module.relative_to(ROOT)} has no test module ({test.relative_to(ROOT)})"


def test_home_index_links_every_nav_page_exactly_once():
    assert checks.check_home_index(ROOT) == []


def test_every_glossary_entry_links_a_page():
    assert checks.check_glossary_entries(ROOT) == []
