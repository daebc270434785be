"""The search index segments Chinese (jieba at build time) and finds the right pages."""

import json
import re

import jieba
import yaml

from tests.conftest import ROOT


def load_index(site):
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def separator():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "search" in plugin:
            return plugin["search"]["separator"]
    raise AssertionError("no search plugin in mkdocs.yml")


def search(index, query):
    """Pages whose indexed words contain every word of the query, as Material's lunr would
    match them: the index text is split by the configured separator, the query by jieba."""
    split = re.compile(separator())
    terms = [t.lower() for t in jieba.lcut(query) if t.strip()]
    pages = []
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
        # lunr's trimmer strips non-word characters at both ends; Material appends a
        # wildcard to each query term, so a term matches the words it prefixes
        words = {re.sub(r"^\W+|\W+$", "", w.lower()) for w in split.split(text) if w}
        if all(any(w.startswith(t) for w in words) for t in terms):
            page = doc["location"].split("#")[0]
            if page not in pages:
                pages.append(page)
    return pages


def test_chinese_text_is_segmented_in_the_index(site):
    text = " ".join(doc["text"] for doc in load_index(site)["docs"])
    # Material inserts zero-width spaces between jieba's words when jieba is installed
    assert "\u200b" in text


def test_chinese_query_finds_the_chinese_page(site):
    pages = search(load_index(site), "梯度下降")
    assert "frameworks/linear-regression/" in pages


def test_english_query_finds_the_english_page(site):
    pages = search(load_index(site), "gradient descent")
    assert "en/frameworks/linear-regression/" in pages
    assert "en/frameworks/linear-regression/" in search(load_index(site), "learning rate")


def test_a_word_that_is_nowhere_finds_nothing(site):
    assert search(load_index(site), "量子纠缠") == []
