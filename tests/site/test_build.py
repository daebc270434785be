"""The built site: both languages, every page, the switcher, code classes, notebooks, 404."""

import re

import pytest

from tests.docharness.checks import nav_pages
from tests.conftest import ROOT


def page_html(site, language, page):
    stem = page.rsplit(".", 1)[0]
    if stem == "index":
        rel = "index.html"
    else:
        rel = f"{stem.removesuffix('/index')}/index.html"
    return site / ("" if language == "zh" else "en") / rel


def test_strict_build_has_no_warnings(site, build_log):
    # --strict turns every warning into an error; the log must not even mention one
    assert "WARNING" not in build_log, build_log


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_nav_page_is_built_in_both_languages(site, language):
    for page in nav_pages(ROOT):
        path = page_html(site, language, page)
        assert path.exists(), f"{page} missing from the {language} site ({path})"
        html = path.read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in html, f"{path} is not marked lang={language}"


def test_language_switcher_stays_on_the_same_page(site):
    html = page_html(site, "zh", "frameworks/linear-regression.md").read_text(encoding="utf-8")
    by_lang = {lang: href for href, lang in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', html)}
    assert by_lang == {"zh": "./", "en": "../../en/frameworks/linear-regression/"}
    html = page_html(site, "en", "frameworks/linear-regression.md").read_text(encoding="utf-8")
    by_lang = {lang: href for href, lang in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', html)}
    assert by_lang == {"zh": "../../../frameworks/linear-regression/", "en": "./"}


def test_code_blocks_carry_their_language_class(site):
    html = page_html(site, "en", "frameworks/linear-regression.md").read_text(encoding="utf-8")
    assert 'class="language-python highlight"' in html
    assert 'class="language-text highlight"' in html  # printed output is not Python


def test_included_code_is_rendered_not_the_include_line(site):
    html = page_html(site, "zh", "frameworks/linear-regression.md").read_text(encoding="utf-8")
    assert "--8&lt;--" not in html and "--8<--" not in html
    assert "GradientDescentOptimizer" in html


@pytest.mark.parametrize("language", ["zh", "en"])
def test_notebooks_render_with_outputs(site, language):
    html = page_html(site, language, "frameworks/linear-regression-notebook.ipynb").read_text(encoding="utf-8")
    assert "jp-OutputArea" in html and "w = 0.8000, b = 0.7000" in html
    assert '<h2 id="training"' in html
    # hooks/notebooks.py: the inline JupyterLab CSS (~570 kB) is replaced by one small file,
    # links between pages are site URLs, and nothing asks for a CDN or loads the page as a script
    assert len(html) < 150_000 and "jupyter-wrapper{--md-red-50" not in html
    assert "assets/stylesheets/notebook.css" in html
    assert 'href="../linear-regression/"' in html and 'href="linear-regression.md"' not in html
    assert "cdnjs" not in html and '<script src="">' not in html


def test_math_is_served_from_the_site(site):
    html = page_html(site, "zh", "frameworks/linear-regression.md").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html
    assert (site / "assets/javascripts/vendor/mathjax/tex-mml-svg.js").exists()
    assert "assets/javascripts/vendor/mathjax/tex-mml-svg.js" in html


def test_example_modules_are_downloadable(site):
    assert (site / "examples/frameworks/linear_regression.py").read_text(encoding="utf-8") == (
        ROOT / "examples/frameworks/linear_regression.py").read_text(encoding="utf-8")


def test_404_page_speaks_both_languages(site):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in html and "does not exist" in html


def test_every_page_shows_the_versions_its_code_was_verified_with(site):
    from hooks.versions import pinned_versions

    pins = pinned_versions()
    tensorflow = pins.get("tensorflow-cpu") or pins["tensorflow"]
    for language in ("zh", "en"):
        for page in nav_pages(ROOT):
            html = page_html(site, language, page).read_text(encoding="utf-8")
            assert html.count(f"TensorFlow {tensorflow}, Keras {pins['keras']}, NumPy {pins['numpy']}") == 1, page
