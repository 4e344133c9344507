/* The village officer's pages, offline first (issue 13, point 2). No framework; ES2017, so that
 * a browser of a few years ago on a cheap Android phone runs it.
 *
 * - Registers the service worker (/desa/sw.js), which keeps the pages for use with no signal.
 * - A village form (form[data-village-form]) is not posted: its entry, with the same field names
 *   as the API and a fresh id made here (client_id), goes to the phone's outbox (IndexedDB: it
 *   survives a closed browser) and the officer goes back to the village home.
 * - The outbox is sent when the connection returns, when a page loads, and on "Send now": one POST
 *   (or PATCH, for a change of a report) per entry to the village API (the form's data-api-url, if
 *   it has one: a complaint goes to the village complaints' API). Sent (201, or 200 for a
 *   resend) leaves the outbox; refused (400, 409) goes to "Needs fixing" with the server's message,
 *   never dropped; a change made on a stale copy (409 edit_conflict) shows both versions to choose;
 *   401/403 asks to log in again; no connection or a server error keeps it for later.
 * - Without IndexedDB, fetch or service workers, nothing is intercepted: forms post as plain HTML.
 * Every word shown comes from the page (template#village-offline-text), translated there. */
(function () {
  "use strict";

  const DB_NAME = "siskop2mi-village";
  const STORE = "outbox";
  const MULTIPLE = ["needs", "broker_phones"];
  const NOT_SENT = ["csrfmiddlewaretoken", "base_version"];
  const PHOTO_FIELD = "consent_letter";
  const PHOTO_SIDE = 1024;
  const PHOTO_TARGET_BYTES = 90 * 1024;
  const FIX_HASH = "#perbaiki-";
  const KEEP_PERSON = "keep";
  const FLASH_KEY = "village-offline-flash";

  const textNode = document.getElementById("village-offline-text");
  if (!textNode) return;
  const supported =
    "indexedDB" in window && "serviceWorker" in navigator && typeof window.fetch === "function" && typeof Promise !== "undefined";

  const urls = {
    home: textNode.getAttribute("data-home-url"),
    outbox: textNode.getAttribute("data-outbox-url"),
    sw: textNode.getAttribute("data-sw-url"),
    api: textNode.getAttribute("data-api-url"),
    login: textNode.getAttribute("data-login-url"),
  };
  const userId = textNode.getAttribute("data-user") || "";
  const words = {};
  Array.prototype.forEach.call(textNode.content.querySelectorAll("[data-key]"), (node) => {
    words[node.getAttribute("data-key")] = node.textContent.trim();
  });
  const t = (key) => words[key] || key;

  /* ---------- small helpers ---------- */

  function element(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((name) => {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach((child) => {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
    const hex = Array.prototype.map.call(bytes, (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function formatDate(iso) {
    try {
      return new Date(iso).toLocaleString(document.documentElement.lang || undefined, {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      });
    } catch (error) {
      return iso;
    }
  }

  /* ---------- the outbox in IndexedDB ---------- */

  let dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const store = request.result.createObjectStore(STORE, { keyPath: "key" });
          store.createIndex("created", "created");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error("blocked"));
      });
      dbPromise.catch(() => {
        dbPromise = null;
      });
    }
    return dbPromise;
  }

  function transact(mode, work) {
    return openDb().then(
      (db) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction(STORE, mode);
          const store = tx.objectStore(STORE);
          let result;
          const request = work(store);
          if (request) request.onsuccess = () => (result = request.result);
          tx.oncomplete = () => resolve(result);
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error || new Error("aborted"));
        })
    );
  }

  const outbox = {
    all: () => transact("readonly", (store) => store.index("created").getAll()).then((list) => list || []),
    get: (key) => transact("readonly", (store) => store.get(key)),
    put: (entry) => transact("readwrite", (store) => store.put(entry)),
    remove: (key) => transact("readwrite", (store) => store.delete(key)),
  };

  /* ---------- a form as an entry ---------- */

  // A label's words without its asides ("(optional)", hidden hints).
  function ownText(node) {
    const copy = node.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".small, .visually-hidden"), (aside) => aside.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelOf(form, field) {
    if (field.id) {
      const label = form.querySelector('label[for="' + field.id + '"]');
      if (label && !label.classList.contains("visually-hidden")) return ownText(label);
    }
    const fieldset = field.closest("fieldset");
    const legend = fieldset && fieldset.querySelector("legend");
    return legend ? ownText(legend) : field.name;
  }

  function shownValue(field) {
    if (field.tagName === "SELECT") {
      const option = field.options[field.selectedIndex];
      return option && field.value ? option.textContent.trim() : "";
    }
    if (field.type === "checkbox") {
      const label = field.id && document.querySelector('label[for="' + field.id + '"]');
      return label ? label.textContent.trim() : field.value;
    }
    return field.value;
  }

  // The form's facts as the API reads them, with labels and values as the officer saw them.
  function readForm(form, isEdit) {
    const data = {};
    const labels = {};
    const shown = {};
    Array.prototype.forEach.call(form.elements, (field) => {
      const name = field.name;
      if (!name || field.disabled || NOT_SENT.indexOf(name) !== -1 || field.type === "file") return;
      if (field.type === "submit" || field.type === "button") return;
      if (!labels[name] && field.type !== "hidden") labels[name] = labelOf(form, field);
      if (MULTIPLE.indexOf(name) !== -1) {
        if (!data[name]) {
          data[name] = [];
          shown[name] = [];
        }
        const value = field.value.trim();
        if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
        if (value) {
          data[name].push(value);
          shown[name].push(shownValue(field));
        }
        return;
      }
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      const value = field.type === "textarea" || field.tagName === "SELECT" ? field.value : field.value.trim();
      // An empty date is left out (the API takes none); so is any empty field of a new entry.
      if (value === "" && (field.type === "date" || !isEdit)) return;
      // The edit of a report whose person is not in the village's list keeps that person.
      if (name === "person" && value === KEEP_PERSON) return;
      data[name] = value;
      if (field.type !== "hidden") shown[name] = shownValue(field);
    });
    Object.keys(shown).forEach((name) => {
      if (Array.isArray(shown[name])) shown[name] = shown[name].join(", ");
    });
    return { data: data, labels: labels, shown: shown };
  }

  function summaryOf(read) {
    const data = read.data;
    const shown = read.shown;
    return (
      data.full_name ||
      data.person_name ||
      data.worker_name ||
      (data.person && shown.person) ||
      data.broker_name ||
      data.broker_nickname ||
      data.occurred_on ||
      ""
    );
  }

  function titleOf(form) {
    const heading = document.querySelector("main h1");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : form.getAttribute("data-kind") || "";
  }

  /* ---------- a photo shrunk on the phone ---------- */

  function loadImage(file) {
    return new Promise((resolve, reject) => {
      const url = URL.createObjectURL(file);
      const image = new Image();
      image.onload = () => {
        URL.revokeObjectURL(url);
        resolve(image);
      };
      image.onerror = () => {
        URL.revokeObjectURL(url);
        reject(new Error("unreadable"));
      };
      image.src = url;
    });
  }

  function dataUrlBytes(dataUrl) {
    const comma = dataUrl.indexOf(",");
    return Math.floor(((dataUrl.length - comma - 1) * 3) / 4);
  }

  // The longest side at most 1024 px, JPEG at quality 0.6 (lower, then smaller, while it is still
  // large): tens of kilobytes for a weak link, as a data URL the API reads.
  async function shrinkPhoto(file) {
    const image = await loadImage(file);
    let side = PHOTO_SIDE;
    let quality = 0.6;
    let result = "";
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const scale = Math.min(1, side / Math.max(image.naturalWidth, image.naturalHeight));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // a transparent PNG becomes white paper, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      result = canvas.toDataURL("image/jpeg", quality);
      if (result.indexOf("data:image/jpeg") !== 0) throw new Error("unreadable");
      if (dataUrlBytes(result) <= PHOTO_TARGET_BYTES) break;
      if (quality > 0.4) quality -= 0.1;
      else side = Math.round(side * 0.8);
    }
    return result;
  }

  /* ---------- the outbox bar and the outbox page ---------- */

  let lastNotice = "";

  function counts(entries) {
    const mine = entries.filter((entry) => entry.user === userId);
    return {
      waiting: mine.filter((entry) => entry.state === "waiting" || entry.state === "login").length,
      fix: mine.filter((entry) => entry.state === "fix").length,
      conflict: mine.filter((entry) => entry.state === "conflict").length,
      login: mine.some((entry) => entry.state === "login"),
    };
  }

  function renderBar(entries, busy) {
    const bar = document.getElementById("outbox-bar");
    if (!bar) return;
    const c = counts(entries);
    const problems = c.fix + c.conflict;
    bar.textContent = "";
    if (!c.waiting && !problems && !lastNotice) {
      bar.hidden = true;
      return;
    }
    if (c.waiting) {
      bar.appendChild(
        element("span", { class: "outbox-count", "data-count": "waiting" }, [
          t("waiting") + ": ",
          element("strong", { text: String(c.waiting) }),
        ])
      );
    }
    if (problems) {
      bar.appendChild(
        element("a", { href: urls.outbox, class: "outbox-count text-danger-emphasis fw-semibold py-2", "data-count": "fix" }, [
          t("to_fix") + ": ",
          element("strong", { text: String(problems) }),
        ])
      );
    }
    if (c.waiting) {
      const button = element("button", { type: "button", class: "btn btn-primary village-button ms-auto", id: "outbox-send" }, [
        busy ? t("sending") : t("send_now"),
      ]);
      if (busy) button.disabled = true;
      button.addEventListener("click", () => sync(true));
      bar.appendChild(button);
    }
    if (c.login) {
      bar.appendChild(element("a", { href: urls.login, class: "fw-semibold py-2 w-100", "data-notice": "login" }, [t("login")]));
    }
    if (lastNotice) bar.appendChild(element("div", { class: "w-100 small", "data-notice": "last" }, [lastNotice]));
    if (location.pathname !== urls.outbox && (c.waiting || problems)) {
      bar.appendChild(element("a", { href: urls.outbox, class: "small py-2" }, [t("open_outbox")]));
    }
    bar.hidden = false;
  }

  function fieldErrors(entry) {
    const list = element("ul", { class: "mb-2 small" });
    const errors = entry.errors || {};
    Object.keys(errors).forEach((name) => {
      const label = (entry.labels && entry.labels[name]) || (name === "non_field_errors" ? "" : name);
      [].concat(errors[name]).forEach((message) => {
        if (String(message) === entry.message) return; // already said above the list
        list.appendChild(element("li", {}, [label ? label + ": " + message : String(message)]));
      });
    });
    return list.children.length ? list : null;
  }

  function entryHeading(entry) {
    return element("div", { class: "d-flex flex-wrap justify-content-between gap-1" }, [
      element("strong", { text: entry.title + (entry.summary ? " · " + entry.summary : "") }),
      element("span", { class: "small text-body-secondary", text: t("written_on") + " " + formatDate(entry.data.recorded_at || entry.created) }),
    ]);
  }

  function deleteButton(entry) {
    const button = element("button", { type: "button", class: "btn btn-outline-danger village-button", "data-action": "delete" }, [t("delete")]);
    button.addEventListener("click", () => {
      if (!window.confirm(t("delete_confirm"))) return;
      outbox.remove(entry.key).then(refresh);
    });
    return button;
  }

  function conflictTable(entry) {
    const current = entry.current || {};
    const rows = Object.keys(entry.labels || {}).filter((name) => name in entry.data || name in current);
    const body = element("tbody");
    rows.forEach((name) => {
      const mine = entry.shown && name in entry.shown ? entry.shown[name] : entry.data[name];
      let theirs = current[name];
      if (Array.isArray(theirs)) theirs = theirs.join(", ");
      const mineText = Array.isArray(mine) ? mine.join(", ") : mine == null ? "" : String(mine);
      const theirText = theirs == null ? "" : String(theirs);
      const differs = String(Array.isArray(entry.data[name]) ? entry.data[name].join(", ") : entry.data[name] || "") !== theirText;
      body.appendChild(
        element("tr", differs ? { class: "table-warning" } : {}, [
          element("th", { scope: "row", text: entry.labels[name] }),
          element("td", { class: "text-break", "data-version": "mine", text: mineText || "—" }),
          element("td", { class: "text-break", "data-version": "theirs", text: theirText || "—" }),
        ])
      );
    });
    const head = element("thead", {}, [
      element("tr", {}, [
        element("th", { scope: "col", text: t("field") }),
        element("th", { scope: "col", text: t("mine") }),
        element("th", { scope: "col", text: t("theirs") + (current.version ? " (" + current.version + ")" : "") }),
      ]),
    ]);
    return element("div", { class: "table-responsive" }, [element("table", { class: "table table-sm align-top mb-2" }, [head, body])]);
  }

  function renderList(entries) {
    const root = document.getElementById("outbox");
    if (!root) return;
    root.hidden = false;
    const mine = entries.filter((entry) => entry.user === userId);
    const lists = { waiting: [], fix: [], conflict: [] };
    mine.forEach((entry) => {
      const state = entry.state === "login" ? "waiting" : entry.state;
      if (lists[state]) lists[state].push(entry);
    });
    entries
      .filter((entry) => entry.user !== userId)
      .forEach((entry) => lists.waiting.push(Object.assign({}, entry, { otherAccount: true })));
    Object.keys(lists).forEach((state) => {
      const list = document.getElementById("outbox-" + state);
      const count = document.querySelector('[data-outbox-count="' + state + '"]');
      if (count) count.textContent = String(lists[state].length);
      list.textContent = "";
      if (!lists[state].length) {
        list.appendChild(element("li", { class: "list-group-item text-body-secondary", text: t("nothing") }));
        return;
      }
      lists[state].forEach((entry) => {
        const item = element("li", { class: "list-group-item outbox-entry", "data-state": state, "data-key": entry.key }, [entryHeading(entry)]);
        if (entry.otherAccount) item.appendChild(element("div", { class: "small text-body-secondary", text: t("other_account") }));
        if (state === "fix") {
          item.appendChild(element("div", { class: "text-danger-emphasis fw-semibold mt-1 outbox-message", text: entry.message || "" }));
          const errors = fieldErrors(entry);
          if (errors) item.appendChild(errors);
          const actions = element("div", { class: "d-flex flex-wrap gap-2" }, [
            element("a", { class: "btn btn-primary village-button", href: entry.formUrl + FIX_HASH + entry.key, "data-action": "fix" }, [t("fix")]),
            deleteButton(entry),
          ]);
          item.appendChild(actions);
        } else if (state === "conflict") {
          item.appendChild(element("p", { class: "mt-1 mb-2 small", text: entry.message || t("conflict") }));
          item.appendChild(conflictTable(entry));
          const keepMine = element("button", { type: "button", class: "btn btn-primary village-button", "data-action": "keep-mine" }, [t("keep_mine")]);
          keepMine.addEventListener("click", () => {
            entry.baseVersion = entry.current.version;
            entry.state = "waiting";
            entry.message = "";
            outbox.put(entry).then(() => sync(true));
          });
          const keepTheirs = element("button", { type: "button", class: "btn btn-outline-secondary village-button", "data-action": "keep-theirs" }, [t("keep_theirs")]);
          keepTheirs.addEventListener("click", () => outbox.remove(entry.key).then(refresh));
          item.appendChild(element("div", { class: "d-flex flex-wrap gap-2" }, [keepMine, keepTheirs]));
        }
        list.appendChild(item);
      });
    });
  }

  let busy = false;
  function refresh() {
    return outbox
      .all()
      .then((entries) => {
        renderBar(entries, busy);
        renderList(entries);
        document.documentElement.setAttribute("data-outbox-ready", "true");
        return entries;
      })
      .catch(() => []);
  }

  /* ---------- sending ---------- */

  // One entry to the server: "sent", "refused", "conflict", "login", or "later".
  async function send(entry) {
    const isEdit = entry.type === "edit";
    const body = Object.assign({}, entry.data);
    if (isEdit) body.base_version = entry.baseVersion;
    const api = entry.apiUrl || urls.api;
    let response;
    try {
      response = await fetch(isEdit ? api + entry.reportId + "/" : api, {
        method: isEdit ? "PATCH" : "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "Accept-Language": document.documentElement.lang || "id",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      return "later"; // no connection
    }
    if (response.status === 200 || response.status === 201) {
      await outbox.remove(entry.key);
      return "sent";
    }
    let problem = {};
    try {
      problem = await response.json();
    } catch (error) {
      problem = {};
    }
    if (response.status === 401 || response.status === 403) {
      entry.state = "login";
      await outbox.put(entry);
      return "login";
    }
    if (response.status === 409 && isEdit && problem.code === "edit_conflict" && problem.current) {
      entry.state = "conflict";
      entry.current = problem.current;
      entry.message = problem.detail || "";
      await outbox.put(entry);
      return "conflict";
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      entry.state = "fix";
      entry.message = problem.detail || problem.title || response.statusText || String(response.status);
      entry.errors = problem.errors || {};
      await outbox.put(entry);
      return "refused";
    }
    return "later"; // a server error: try again later
  }

  // One sender at a time across the officer's open pages (Web Locks, where the browser has them);
  // a resend that slips through anyway is harmless: the server knows the entry's id.
  function exclusively(work) {
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request("siskop2mi-village-outbox", work);
    }
    return work();
  }

  let running = null;
  function sync(fromButton) {
    if (running) return running;
    running = exclusively(async () => {
      let entries = await outbox.all();
      const due = entries.filter((entry) => entry.user === userId && (entry.state === "waiting" || entry.state === "login"));
      if (!due.length) return;
      if (!navigator.onLine) {
        if (fromButton) lastNotice = t("offline");
        return;
      }
      busy = true;
      lastNotice = "";
      renderBar(entries, busy);
      const outcomes = [];
      for (const entry of due) {
        const outcome = await send(entry);
        outcomes.push(outcome);
        if (outcome === "later" || outcome === "login") break; // the others would fare the same
      }
      if (outcomes.indexOf("later") !== -1) lastNotice = navigator.onLine ? t("retry_later") : t("offline");
      else if (outcomes.indexOf("login") === -1 && outcomes.every((outcome) => outcome === "sent")) lastNotice = t("all_sent");
    })
      .catch(() => null)
      .then(() => {
        busy = false;
        running = null;
        return refresh();
      });
    return running;
  }

  /* ---------- the forms ---------- */

  function showFixing(form, entry) {
    const note = element("div", { class: "alert alert-warning", role: "alert", id: "outbox-fixing" }, [
      element("p", { class: "mb-1", text: t("fixing") }),
      element("p", { class: "mb-1 fw-semibold", text: entry.message || "" }),
    ]);
    const errors = fieldErrors(entry);
    if (errors) note.appendChild(errors);
    form.parentNode.insertBefore(note, form);
    const errorsByField = entry.errors || {};
    Object.keys(errorsByField).forEach((name) => {
      const field = form.elements[name];
      const first = field && (field.length && !field.tagName ? field[0] : field);
      if (!first || !first.classList) return;
      first.classList.add("is-invalid");
      const feedback = element("div", { class: "invalid-feedback d-block", text: [].concat(errorsByField[name]).join(" ") });
      first.parentNode.insertBefore(feedback, first.nextSibling);
    });
  }

  function fill(form, data) {
    Object.keys(data).forEach((name) => {
      const field = form.elements[name];
      if (!field) return;
      const values = [].concat(data[name]);
      const fields = field.length && !field.tagName ? Array.prototype.slice.call(field) : [field];
      if (fields[0].type === "checkbox" || fields[0].type === "radio") {
        fields.forEach((input) => (input.checked = values.indexOf(input.value) !== -1));
      } else if (fields.length > 1) {
        fields.forEach((input, index) => (input.value = values[index] || ""));
      } else if (fields[0].type !== "file") {
        fields[0].value = values[0];
      }
    });
  }

  async function prepareForm(form) {
    // A kept (cached) form carries the id the server made for it: every entry gets its own.
    const clientId = form.elements.client_id;
    if (clientId) clientId.value = newId();
    if (location.hash.indexOf(FIX_HASH) !== 0) return;
    const entry = await outbox.get(location.hash.slice(FIX_HASH.length));
    if (!entry) return;
    form.setAttribute("data-outbox-key", entry.key);
    fill(form, entry.data);
    if (entry.data[PHOTO_FIELD] && form.elements[PHOTO_FIELD]) {
      const input = form.elements[PHOTO_FIELD];
      input.parentNode.appendChild(element("div", { class: "form-text", text: t("photo_kept") }));
    }
    showFixing(form, entry);
  }

  async function keepEntry(form) {
    const isEdit = form.hasAttribute("data-report-id");
    const read = readForm(form, isEdit);
    const key = form.getAttribute("data-outbox-key");
    const earlier = key ? await outbox.get(key) : null;
    const data = read.data;
    const photo = form.elements[PHOTO_FIELD];
    if (photo && photo.type === "file" && photo.files && photo.files[0]) {
      data[PHOTO_FIELD] = await shrinkPhoto(photo.files[0]);
    } else if (earlier && earlier.data[PHOTO_FIELD]) {
      data[PHOTO_FIELD] = earlier.data[PHOTO_FIELD];
    }
    if (!isEdit) {
      // A fixed entry keeps its id: the server never saved it, and a lost answer stays harmless.
      data.client_id = earlier && earlier.data.client_id ? earlier.data.client_id : newId();
      const kind = data.kind || form.getAttribute("data-kind");
      if (kind) data.kind = kind; // a complaint has none
    }
    data.recorded_at = earlier && earlier.data.recorded_at ? earlier.data.recorded_at : new Date().toISOString();
    const baseVersion = form.elements.base_version ? parseInt(form.elements.base_version.value, 10) : null;
    if (isEdit) delete data.recorded_at;
    const entry = {
      key: earlier ? earlier.key : newId(),
      type: isEdit ? "edit" : "create",
      reportId: isEdit ? form.getAttribute("data-report-id") : null,
      // Where the entry goes: the form says (a complaint: the village complaints' API), else the reports'.
      apiUrl: form.getAttribute("data-api-url") || null,
      // A fixed change stays made on the version it was first made on: a newer one is a conflict.
      baseVersion: earlier && earlier.type === "edit" ? earlier.baseVersion : baseVersion,
      user: userId,
      state: "waiting",
      title: isEdit ? t("edit_of") + ": " + titleOf(form).replace(/^[^:]*:\s*/, "") : titleOf(form),
      summary: summaryOf(read),
      formUrl: location.pathname,
      labels: read.labels,
      shown: read.shown,
      data: data,
      message: "",
      errors: {},
      created: earlier ? earlier.created : new Date().toISOString(),
    };
    await outbox.put(entry);
    return entry;
  }

  function showFormProblem(form, message) {
    let note = document.getElementById("outbox-form-problem");
    if (!note) {
      note = element("div", { class: "alert alert-danger", role: "alert", id: "outbox-form-problem" });
      form.parentNode.insertBefore(note, form);
    }
    note.textContent = message;
    note.scrollIntoView();
  }

  function onSubmit(event) {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-village-form]")) return;
    event.preventDefault();
    const button = form.querySelector('[type="submit"]');
    if (button) button.disabled = true;
    keepEntry(form)
      .then(() => {
        sessionStorage.setItem(FLASH_KEY, t("saved"));
        location.href = urls.home;
      })
      .catch((error) => {
        if (button) button.disabled = false;
        if (error && error.message === "unreadable") {
          showFormProblem(form, t("photo_unreadable"));
          return;
        }
        // The phone's storage refused (full, private mode): send the form the usual way.
        showFormProblem(form, t("not_saved"));
        form.submit();
      });
  }

  // Leaving the account on a shared phone: the kept pages of this officer are forgotten.
  function onLogout(event) {
    const form = event.target;
    if (!form.action || form.action.indexOf("/accounts/logout/") === -1) return;
    if (!navigator.serviceWorker.controller) return;
    navigator.serviceWorker.controller.postMessage({ type: "forget-pages" });
  }

  /* ---------- start ---------- */

  if (!supported) {
    // Plain HTML forms, sent at once: the outbox page says so.
    const unsupported = document.getElementById("outbox-unsupported");
    if (unsupported) unsupported.hidden = false;
    return;
  }

  navigator.serviceWorker.register(urls.sw, { scope: urls.home }).catch(() => null);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("submit", onLogout, true);
  window.addEventListener("online", () => sync(false));
  window.addEventListener("offline", () => {
    lastNotice = t("offline");
    refresh();
  });
  const flash = sessionStorage.getItem(FLASH_KEY);
  if (flash) {
    sessionStorage.removeItem(FLASH_KEY);
    lastNotice = flash;
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-village-form]"), (form) => {
    prepareForm(form).catch(() => null);
  });
  refresh().then(() => {
    if (navigator.onLine) sync(false);
  });
})();
