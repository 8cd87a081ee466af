/*
 * A–Z filter of the catalog page (katalog/). Without JavaScript the page shows the full list
 * and the filter form stays hidden. With it, the form appears and every change hides or shows
 * the existing list items through their data attributes: no list is rebuilt, and typing is
 * batched into one update per animation frame, so 1,000+ entries stay fast.
 * Alternate-name entries are a browsing aid without data attributes: while a filter is
 * active only main entries show (their data-text holds the alternate names), so every
 * resource appears once.
 */
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function setup() {
    var form = document.getElementById("az-filter");
    var list = document.getElementById("az-list");
    if (!form || !list || form.dataset.ready === "1") {
      return;
    }
    form.dataset.ready = "1";

    var text = form.elements.namedItem("q");
    var subject = form.elements.namedItem("subjek");
    var type = form.elements.namedItem("jenis");
    var access = form.elements.namedItem("akses");
    var status = document.getElementById("az-status");
    var empty = document.getElementById("az-empty");

    var sections = Array.prototype.map.call(
      list.querySelectorAll(".az-section"),
      function (section) {
        return {
          element: section,
          items: Array.prototype.map.call(section.querySelectorAll(".az-item"), function (li) {
            var alternate = li.classList.contains("az-item--alternate");
            return {
              element: li,
              alternate: alternate,
              subjects: " " + (li.dataset.subjects || "") + " ",
              type: li.dataset.type || "",
              access: li.dataset.access || "",
              text: li.dataset.text || "",
            };
          }),
        };
      }
    );
    var total = list.querySelectorAll(".az-item:not(.az-item--alternate)").length;

    function matches(item, filter) {
      if (!filter.active) {
        return true;
      }
      return (
        !item.alternate &&
        (!filter.subject || item.subjects.indexOf(filter.subject) !== -1) &&
        (!filter.type || item.type === filter.type) &&
        (!filter.access || item.access === filter.access) &&
        filter.words.every(function (word) {
          return item.text.indexOf(word) !== -1;
        })
      );
    }

    function apply() {
      var filter = {
        words: fold(text.value).split(" ").filter(Boolean),
        subject: subject.value ? " " + subject.value + " " : "",
        type: type.value,
        access: access.value,
      };
      filter.active = Boolean(
        filter.words.length || filter.subject || filter.type || filter.access
      );
      var shown = 0;
      sections.forEach(function (section) {
        var visible = 0;
        section.items.forEach(function (item) {
          var match = matches(item, filter);
          if (item.element.hidden === match) {
            item.element.hidden = !match;
          }
          if (match) {
            visible += 1;
            if (!item.alternate) {
              shown += 1;
            }
          }
        });
        section.element.hidden = visible === 0;
      });
      empty.hidden = shown !== 0;
      status.textContent = filter.active
        ? shown + " dari " + total + " sumber cocok"
        : total + " sumber";
    }

    var pending = false;
    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          apply();
        });
      }
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("reset", function () {
      window.setTimeout(apply, 0);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });

    var query = new URLSearchParams(window.location.search);
    if (query.has("q")) {
      text.value = query.get("q");
    }
    ["subjek", "jenis", "akses"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (query.has(name)) {
        field.value = query.get(name);
      }
    });

    form.hidden = false;
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup); // Material's instant navigation, when enabled
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
