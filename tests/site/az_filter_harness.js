// Runs docs/javascripts/az-filter.js against a minimal stand-in of the A–Z page's DOM (the
// items read from the built page) and prints, for each filter step, what stays visible.
// Usage: node az_filter_harness.js SCRIPT DATA_JSON
"use strict";
const fs = require("fs");
const [script, dataFile] = process.argv.slice(2);
const data = JSON.parse(fs.readFileSync(dataFile, "utf8"));

function element(props) {
  const classes = (props.className || "").split(" ");
  return Object.assign(
    {
      hidden: false,
      dataset: {},
      listeners: {},
      classList: { contains: (name) => classes.includes(name) },
      addEventListener(type, listener) {
        this.listeners[type] = listener;
      },
    },
    props
  );
}

const items = [];
const sections = data.sections.map((section) => {
  const own = section.items.map((item) =>
    element({ className: item.className, dataset: item.dataset, label: item.label })
  );
  items.push(...own);
  return element({ id: section.id, querySelectorAll: () => own });
});
const fields = { q: element({ value: "" }) };
for (const name of ["subjek", "jenis", "akses"]) fields[name] = element({ value: "" });
const form = element({ hidden: true, elements: { namedItem: (name) => fields[name] } });
const list = element({
  querySelectorAll: (selector) =>
    selector === ".az-section"
      ? sections
      : items.filter((item) => !item.classList.contains("az-item--alternate")),
});
const status = element({ textContent: "" });
const empty = element({ hidden: true });
const byId = { "az-filter": form, "az-list": list, "az-status": status, "az-empty": empty };

global.window = {
  location: { search: data.search },
  requestAnimationFrame: (callback) => callback(),
  setTimeout: (callback) => callback(),
};
global.document = { readyState: "complete", getElementById: (id) => byId[id] };
new Function(fs.readFileSync(script, "utf8"))();

const results = [{ formHidden: form.hidden, text: fields.q.value }];
for (const step of data.steps) {
  for (const [name, value] of Object.entries(step)) fields[name].value = value;
  form.listeners.input();
  results.push({
    status: status.textContent,
    emptyShown: !empty.hidden,
    shown: items.filter((item) => !item.hidden).map((item) => item.label),
    sections: sections.filter((section) => !section.hidden).map((section) => section.id),
  });
}
console.log(JSON.stringify(results));
