// One merged search index serves both languages (Material + mkdocs-static-i18n).
// Show results in the reader's language first: on a Chinese page, Chinese pages lead.
(function () {
  var root = typeof __md_scope !== "undefined" ? __md_scope : new URL("/", location);
  var englishPrefix = new URL("en/", root).href;
  var readerIsEnglish = document.documentElement.lang === "en";

  function inReaderLanguage(item) {
    var link = item.querySelector("a");
    return link && link.href.indexOf(englishPrefix) === 0 === readerIsEnglish;
  }

  function reorder(list) {
    var items = Array.prototype.slice.call(list.children);
    var ordered = items.filter(inReaderLanguage).concat(items.filter(function (i) { return !inReaderLanguage(i); }));
    var changed = ordered.some(function (item, index) { return item !== items[index]; });
    if (changed) {
      ordered.forEach(function (item) { list.appendChild(item); });
    }
  }

  new MutationObserver(function () {
    var list = document.querySelector(".md-search-result__list");
    if (list) reorder(list);
  }).observe(document.body, { childList: true, subtree: true });
})();
