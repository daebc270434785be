"""Every figure a page shows is made by code in examples/, and the committed file is what it makes."""

import re

import numpy as np
import pytest
from matplotlib.image import imread

from scripts.make_figures import FIGURE_DIR, figure_generators
from tests.docharness.pages import docs_pages
from tests.docharness.runner import isolated
from tests.conftest import ROOT

# Same pixels up to anti-aliasing: a FreeType or Agg patch release may move a few edge
# pixels; a changed curve, label or size moves far more than 0.5 % of the mean intensity.
MEAN_ABS_TOLERANCE = 0.005


def used_figures():
    names = set()
    for path in docs_pages(ROOT):
        names |= set(re.findall(r"assets/figures/([\w.-]+\.png)", path.read_text(encoding="utf-8")))
    return sorted(names)


def test_every_used_figure_has_a_generator_and_a_file():
    generators = figure_generators(ROOT)
    for name in used_figures():
        assert name in generators, f"docs use assets/figures/{name}, but no example's FIGURES makes it"
        assert (FIGURE_DIR / name).exists(), f"run `make figures`: {name} is not committed"


def test_no_committed_figure_is_orphaned():
    assert sorted(p.name for p in FIGURE_DIR.glob("*.png")) == used_figures()


@pytest.mark.parametrize("name", used_figures())
def test_committed_figure_matches_its_generator(name, tmp_path):
    _, make = figure_generators(ROOT)[name]
    with isolated(str(tmp_path)):  # as `make figures` does in a fresh Python: no seed or Keras state left by earlier tests
        make(tmp_path / name)
    fresh, committed = imread(tmp_path / name), imread(FIGURE_DIR / name)
    assert fresh.shape == committed.shape, f"{name}: size changed, run `make figures`"
    assert np.abs(fresh - committed).mean() < MEAN_ABS_TOLERANCE, f"{name}: run `make figures`"
