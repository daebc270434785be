"""What a reader gets in a real browser: no foreign request, math, switcher, search, copy, theme, mobile."""

import re

import pytest

from tests.conftest import ROOT
from tests.docharness.checks import nav_pages

# No xdist group: each worker starts its own Chromium and server, and the per-page items
# spread over both workers (a page takes about a second, most of it MathJax).


def url_of(page_path: str, language: str) -> str:
    stem = page_path.rsplit(".", 1)[0]
    path = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return ("" if language == "zh" else "en/") + path


def wait_for_math(tab):
    tab.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise")
    tab.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("page_path", nav_pages(ROOT))
def test_page_loads_everything_from_the_site_and_renders_its_math(reading_tab, base_url, language, page_path):
    page = reading_tab
    response = page.goto(base_url + url_of(page_path, language), wait_until="load")
    assert response.ok, f"{page_path} ({language}): HTTP {response.status}"
    wait_for_math(page)
    has_math = page.locator(".arithmatex, .jp-RenderedMarkdown").count() > 0
    if has_math and re.search(r"\\\(|\$\$", page.content()):
        assert page.locator("mjx-container").count() > 0, f"{page_path} ({language}): math is not rendered"
    text = page.locator("article").inner_text()
    assert "\\(" not in text and "$$" not in text, f"{page_path} ({language}): raw TeX left"
    assert page.foreign_requests == []


def test_language_switcher_lands_on_the_same_page(page, base_url):
    page.goto(base_url + "frameworks/linear-regression/")
    page.locator(".md-select").hover()
    page.locator('.md-select a[hreflang="en"]').click()
    page.wait_for_url(base_url + "en/frameworks/linear-regression/")
    page.locator(".md-select").hover()
    page.locator('.md-select a[hreflang="zh"]').click()
    page.wait_for_url(base_url + "frameworks/linear-regression/")


def search(page, query):
    page.locator("input.md-search__input").click()
    box = page.locator("input.md-search__input")
    box.press_sequentially(query, delay=30)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return [a.get_attribute("href") for a in page.locator(".md-search-result__item > a").all()]


@pytest.mark.parametrize("query", ["梯度下降", "计算图"])
def test_chinese_search_on_a_chinese_page_puts_chinese_pages_first(page, base_url, query):
    page.goto(base_url)
    hrefs = search(page, query)
    assert hrefs, query
    languages = ["en" if "/en/" in h else "zh" for h in hrefs]
    assert any("frameworks/linear-regression/" in h or "glossary/" in h for h in hrefs), hrefs
    assert languages == sorted(languages, key=lambda lang: lang != "zh"), hrefs


def test_english_search_on_an_english_page_puts_english_pages_first(page, base_url):
    page.goto(base_url + "en/")
    hrefs = search(page, "linear regression")
    assert any("en/frameworks/linear-regression/" in h for h in hrefs), hrefs
    languages = ["en" if "/en/" in h else "zh" for h in hrefs]
    assert languages == sorted(languages, key=lambda lang: lang != "en"), hrefs


def test_copy_button_copies_the_code_exactly_and_it_runs(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(base_url + "en/frameworks/linear-regression/")
    first_block = tab.locator(".md-typeset pre").first
    first_block.hover()
    first_block.locator('button[data-md-type="copy"]').click()
    copied = tab.evaluate("navigator.clipboard.readText()")
    context.close()
    source = (ROOT / "examples/frameworks/linear_regression.py").read_text(encoding="utf-8")
    region = source.split("# --8<-- [start:data]\n", 1)[1].split("# --8<-- [end:data]", 1)[0]
    assert copied.strip() == region.strip()
    namespace = {}
    exec(compile(copied, "<copied>", "exec"), namespace)
    x, y = namespace["make_data"]()
    assert x.shape == (100, 1)


def test_dark_mode_toggle(page, base_url):
    page.goto(base_url)
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    after = page.locator("body").get_attribute("data-md-color-scheme")
    assert {before, after} == {"default", "slate"}


@pytest.mark.parametrize("path", ["", "frameworks/linear-regression/", "en/frameworks/linear-regression-notebook/"])
def test_mobile_width_has_no_horizontal_scrolling(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    tab = context.new_page()
    tab.goto(base_url + path)
    width = tab.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375, f"{path or 'home'}: page is {width}px wide at 375px"


def test_screenshots_for_a_person_to_look_at(browser, base_url, tmp_path_factory):
    """Home and one topic page per language; the paths are printed (`pytest -s`)."""
    out = tmp_path_factory.mktemp("screenshots")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    for name, path in [("zh-home", ""), ("zh-topic", "frameworks/linear-regression/"),
                       ("en-home", "en/"), ("en-topic", "en/frameworks/linear-regression/")]:
        tab.goto(base_url + path)
        wait_for_math(tab)
        tab.screenshot(path=str(out / f"{name}.png"))
        assert (out / f"{name}.png").stat().st_size > 10_000
    context.close()
    print(f"screenshots in {out}")
