/*
 * Counted uses of resources (overrides/main.html includes this file on every page unless
 * mkdocs.yml `extra.catalog.count_uses` is false).
 *
 * A link to a free or paid resource carries its real (or proxied) URL in `href`, and where its
 * use is counted in `ping` and `data-use` (the function's POST /api/use/<id>). Without this
 * file the browser's own hyperlink auditing sends the ping. With it, the use goes out by
 * navigator.sendBeacon instead, which also works where pings are switched off (Firefox), and
 * the link's `ping` is dropped just before the navigation so one click sends one request.
 * Nothing here delays or changes the navigation: no preventDefault, and when the function is
 * down the beacon simply fails while the link opens.
 */
(() => {
  "use strict";

  const MARK = "portalUsageCount";
  if (window[MARK]) return; // once per window (Material's instant navigation runs it again)
  window[MARK] = true;

  function report(event) {
    if (event.type === "auxclick" && event.button !== 1) return; // middle click only
    const link = event.target instanceof Element ? event.target.closest("a[data-use]") : null;
    if (!link || !navigator.sendBeacon) return;
    try {
      if (navigator.sendBeacon(link.dataset.use)) link.removeAttribute("ping");
    } catch (error) {
      // a refused beacon leaves the ping to the browser
    }
  }

  document.addEventListener("click", report, true);
  document.addEventListener("auxclick", report, true);
})();
