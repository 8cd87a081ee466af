/*
 * The librarians' chat widget, loaded late (overrides/main.html includes this file on every
 * page only when a chat is configured in mkdocs.yml `extra.services.chat`).
 *
 * The widget's address comes from this script element's `data-chat-src` attribute (no inline
 * script, nothing else to configure here). The widget's script is added, async, only once the
 * window's load event has fired, so the page itself never waits for the chat service and is
 * complete when the service is slow, blocked or down. It is added at most once per window,
 * also when this file runs again (Material's instant navigation).
 *
 * This file deliberately names no chat provider: a site built without a chat configured still
 * carries it under docs/, and must not contain any of the provider's code or addresses.
 */
(() => {
  "use strict";

  const MARK = "portalChatLoaded";
  const script = document.currentScript;
  const src = script && script.dataset.chatSrc;
  if (!src || !/^https:\/\//.test(src) || window[MARK]) return;

  function inject() {
    if (window[MARK]) return;
    window[MARK] = true;
    const widget = document.createElement("script");
    widget.async = true;
    widget.src = src;
    widget.charset = "UTF-8";
    widget.setAttribute("crossorigin", "*");
    document.body.appendChild(widget);
  }

  if (document.readyState === "complete") {
    inject();
  } else {
    window.addEventListener("load", inject, { once: true });
  }
})();
