/*
 * The search page (cari/): Pagefind's own UI over the index that hooks/search_index.py writes
 * into pagefind/ at build time, so searching needs nothing beyond the site's own files. The
 * bundle and the site root come from data attributes of #portal-search (made absolute here),
 * so the page works under any base path. A `q` parameter (the home page's search box) is
 * searched at once. Without JavaScript the page's <noscript> text points at the A–Z list.
 */
(function () {
  "use strict";

  function setup() {
    var element = document.getElementById("portal-search");
    if (!element || element.dataset.ready === "1" || typeof PagefindUI === "undefined") {
      return;
    }
    element.dataset.ready = "1";
    var ui = new PagefindUI({
      element: "#portal-search",
      bundlePath: new URL(element.dataset.bundle, document.baseURI).pathname,
      baseUrl: new URL(element.dataset.base, document.baseURI).pathname,
      showSubResults: false,
      showImages: false,
      autofocus: true
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
    }
  }

  setup();
})();
