/*
 * The account request form (overrides/signup.html), enhanced.
 *
 * Without this script the form is an ordinary POST that the function answers with a redirect
 * to /daftar-terkirim/. With it, the same fields are sent as JSON and the answer is shown in
 * place: 202 -> the success message, 422 -> a message under each field, 429 -> "try again in
 * N minutes", anything else (or no answer) -> a general message with the library's contacts.
 * Every user-facing text comes from the page's <template data-signup-message> elements.
 *
 * The script may run more than once: Material's instant navigation runs the scripts of the
 * page container again on every visit. Each form element is enhanced once.
 */
(() => {
  "use strict";

  /** Fields of the endpoint that have a visible control and an error slot in the form. */
  const VISIBLE_FIELDS = ["member_id", "name", "email", "phone", "programme", "role", "consent"];
  const TIMEOUT_MS = 20000;
  /** The function refuses fill times above a week; a page left open longer sends a week. */
  const MAX_ELAPSED_MS = 7 * 24 * 3600 * 1000;

  /** Controls of a field: one element, or every radio button of a group. */
  function controlsOf(form, field) {
    const item = form.elements.namedItem(field);
    if (!item) return [];
    return item instanceof RadioNodeList ? Array.from(item) : [item];
  }

  function describedBy(control, id, present) {
    const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const others = ids.filter((each) => each !== id);
    const next = present ? [...others, id] : others;
    if (next.length) control.setAttribute("aria-describedby", next.join(" "));
    else control.removeAttribute("aria-describedby");
  }

  function errorSlot(form, field) {
    const slot = document.getElementById(`signup-${field}-error`);
    return slot && form.contains(slot) ? slot : null;
  }

  function clearErrors(form) {
    for (const field of VISIBLE_FIELDS) {
      const slot = errorSlot(form, field);
      if (!slot) continue;
      slot.hidden = true;
      slot.textContent = "";
      for (const control of controlsOf(form, field)) {
        control.removeAttribute("aria-invalid");
        describedBy(control, slot.id, false);
      }
    }
  }

  function messageText(message) {
    return Array.isArray(message) ? message.join(" ") : String(message);
  }

  /** Show each field's message next to it; return the messages that have no field. */
  function showErrors(form, errors) {
    const unplaced = [];
    for (const [field, message] of Object.entries(errors)) {
      const slot = VISIBLE_FIELDS.includes(field) ? errorSlot(form, field) : null;
      const controls = slot ? controlsOf(form, field) : [];
      if (!controls.length) {
        unplaced.push(messageText(message));
        continue;
      }
      slot.textContent = messageText(message);
      slot.hidden = false;
      for (const control of controls) {
        control.setAttribute("aria-invalid", "true");
        describedBy(control, slot.id, true);
      }
    }
    return unplaced;
  }

  function firstInvalid(form) {
    return Array.from(form.elements).find((el) => el.getAttribute("aria-invalid") === "true");
  }

  /** Whole minutes of a Retry-After header (seconds or an HTTP date), or null. */
  function retryMinutes(response) {
    const value = (response.headers.get("Retry-After") || "").trim();
    if (!value) return null;
    const seconds = /^\d+$/.test(value)
      ? Number(value)
      : (Date.parse(value) - Date.now()) / 1000;
    return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds / 60)) : null;
  }

  function payload(form, shownAt) {
    const data = Object.fromEntries(new FormData(form));
    data.consent = Boolean(form.elements.namedItem("consent")?.checked);
    if (!data.phone) delete data.phone;
    const elapsed = Math.round(performance.now() - shownAt);
    data.elapsed_ms = Math.min(MAX_ELAPSED_MS, Math.max(0, elapsed));
    return data;
  }

  async function send(url, data) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(url, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(data),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  function enhance(form) {
    if (form.dataset.signupReady === "true") return;
    form.dataset.signupReady = "true";

    const root = form.closest(".signup") || document;
    const status = root.querySelector("[role=status]");
    const button = form.querySelector("[type=submit]");
    const shownAt = performance.now();
    let sending = false;

    /** Put one of the page's messages into the live region; `fill` completes its slots. */
    function show(name, fill) {
      const template = root.querySelector(`template[data-signup-message="${name}"]`);
      if (!status || !template) return;
      const content = template.content.cloneNode(true);
      if (fill) fill(content);
      status.replaceChildren(content);
    }

    function setSending(flag) {
      sending = flag;
      form.setAttribute("aria-busy", String(flag));
      if (button) button.disabled = flag;
    }

    function succeed() {
      form.reset();
      clearErrors(form);
      form.hidden = true;
      show("success");
      status?.focus();
    }

    function refuse(errors) {
      const unplaced = showErrors(form, errors);
      show("invalid", (content) => {
        const list = content.querySelector('[data-signup-slot="details"]');
        if (!list || !unplaced.length) return;
        for (const text of unplaced) {
          const item = document.createElement("li");
          item.textContent = text;
          list.append(item);
        }
        list.hidden = false;
      });
      const invalid = firstInvalid(form);
      if (invalid) invalid.focus();
      else status?.focus();
    }

    function slowDown(minutes) {
      show("rate-limited", (content) => {
        const slot = content.querySelector('[data-signup-slot="minutes"]');
        if (slot && minutes !== null) slot.textContent = String(minutes);
      });
      status?.focus();
    }

    function fail() {
      show("failure");
      status?.focus();
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (sending) return;
      clearErrors(form);
      setSending(true);
      show("sending");
      let response = null;
      let body = null;
      try {
        response = await send(form.action, payload(form, shownAt));
        body = await readJson(response);
      } catch {
        response = null;
      } finally {
        setSending(false);
      }
      if (response?.status === 202) succeed();
      else if (response?.status === 422 && body?.errors && typeof body.errors === "object")
        refuse(body.errors);
      else if (response?.status === 429) slowDown(retryMinutes(response));
      else fail();
    });
  }

  function enhanceAll() {
    for (const form of document.querySelectorAll("form[data-signup-form]")) enhance(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll, { once: true });
  } else {
    enhanceAll();
  }
})();
