// Runs docs/javascripts/chat-loader.js against a stand-in window/document and prints, as JSON,
// which scripts it added before and after the window's load event.
// Usage: node chat_loader_harness.js SCRIPT CHAT_SRC READY_STATE RUNS
"use strict";
const fs = require("fs");
const [scriptFile, chatSrc, readyState, runs] = process.argv.slice(2);
const code = fs.readFileSync(scriptFile, "utf8");

const listeners = [];
const added = [];
global.window = {
  addEventListener(type, listener) {
    listeners.push({ type, listener });
  },
};
global.document = {
  readyState,
  currentScript: { dataset: chatSrc ? { chatSrc } : {} },
  createElement(tag) {
    return {
      tag,
      attributes: {},
      setAttribute(name, value) {
        this.attributes[name] = value;
      },
    };
  },
  body: {
    appendChild(element) {
      added.push(element);
    },
  },
};

for (let run = 0; run < Number(runs); run += 1) new Function(code)();
const beforeLoad = added.length;
for (const { type, listener } of listeners) if (type === "load") listener();
console.log(
  JSON.stringify({
    beforeLoad,
    listenedTo: listeners.map(({ type }) => type),
    added: added.map(({ tag, src, async }) => ({ tag, src, async })),
  })
);
