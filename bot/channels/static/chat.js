/* nest-bot web chat: renders the bot's REST replies (DESIGN.md contract 1).
 *
 * No framework, no build step. Bot text is only ever put into the page as
 * text nodes (never innerHTML); links are made from http(s) URLs, tel: and
 * sms: from the phone numbers of the signposting payload.
 *
 * The conversation survives a reload: the sender id, the language and the
 * turns are kept in localStorage (the server's tracker store keeps a redacted
 * copy, where phone numbers of services would be masked, so the page keeps
 * its own). "New conversation" clears them.
 */
(function () {
  "use strict";

  var STORE_KEY = "nestbot.webchat.v1";
  var MAX_TURNS = 300;
  var config = JSON.parse(document.getElementById("webchat-config").textContent);
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ids = 0;
  var busy = false;

  var els = {
    log: document.getElementById("log"),
    empty: document.getElementById("empty-hint"),
    status: document.getElementById("status"),
    form: document.getElementById("composer"),
    input: document.getElementById("message"),
    send: document.getElementById("send"),
    toggle: document.getElementById("language-toggle"),
    reset: document.getElementById("new-conversation"),
    notice: document.getElementById("privacy-notice")
  };

  // ------------------------------------------------------------------ state
  var memoryStore = null;   // when localStorage is not available (private modes)

  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] + 256).toString(16).slice(1);
    return "web-" + hex;
  }

  function freshState(lang) {
    var def = config.default_language;
    return {sender: newSender(), lang: lang || def, slotLang: def, turns: []};
  }

  function loadState() {
    var raw = null;
    try { raw = window.localStorage.getItem(STORE_KEY); } catch (e) { raw = memoryStore; }
    try {
      var s = raw ? JSON.parse(raw) : null;
      if (s && typeof s.sender === "string" && Array.isArray(s.turns)) {
        if (!config.texts[s.lang]) s.lang = config.default_language;
        if (!s.slotLang) s.slotLang = config.default_language;
        return s;
      }
    } catch (e) { /* unreadable: start again */ }
    return freshState(document.documentElement.lang);
  }

  function saveState() {
    if (state.turns.length > MAX_TURNS) state.turns = state.turns.slice(-MAX_TURNS);
    var raw = JSON.stringify(state);
    try { window.localStorage.setItem(STORE_KEY, raw); } catch (e) { memoryStore = raw; }
  }

  var state = loadState();

  // ------------------------------------------------------------------ texts
  function t(key, values, lang) {
    var table = config.texts[lang || state.lang] || {};
    var text = table[key];
    if (text === undefined) text = (config.texts[config.default_language] || {})[key];
    if (text === undefined) text = key;
    return text.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : whole;
    });
  }

  function applyLabels() {
    var lang = state.lang;
    document.documentElement.lang = lang;
    var nodes = document.querySelectorAll("[data-t]");
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute("data-t"));
    els.notice.textContent = (config.notice && (config.notice[lang] || config.notice[config.default_language])) || "";
    var others = Object.keys(config.languages).filter(function (c) { return c !== lang; });
    if (others.length) {
      els.toggle.hidden = false;
      els.toggle.textContent = config.languages[others[0]];
      els.toggle.lang = others[0];
      els.toggle.setAttribute("data-language", others[0]);
    } else {
      els.toggle.hidden = true;
    }
  }

  function setLanguage(lang) {
    if (!config.texts[lang] || lang === state.lang) return;
    state.lang = lang;
    applyLabels();
    saveState();
  }

  // ------------------------------------------------------------------ DOM helpers
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var name in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, name)) continue;
        var value = attrs[name];
        if (value === null || value === undefined || value === false) continue;
        if (name === "class") node.className = value;
        else if (name === "text") node.textContent = value;
        else node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function nextId(prefix) { ids += 1; return prefix + "-" + ids; }

  function isText(v) { return typeof v === "string" && v.trim() !== ""; }

  function safeUrl(value) {
    if (!isText(value)) return null;
    var url = value.trim();
    if (!/^https?:\/\//i.test(url)) url = "https://" + url.replace(/^\/+/, "");
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "https:" || parsed.protocol === "http:") ? parsed.href : null;
    } catch (e) { return null; }
  }

  function dialable(number) {
    var digits = String(number).replace(/[^0-9+]/g, "");
    return digits.length >= 3 ? digits : null;
  }

  // Plain text with http(s) links made clickable; everything else stays text.
  function textWithLinks(text) {
    var frag = document.createDocumentFragment();
    var pattern = /https?:\/\/[^\s<>"']+/gi;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]]+$/, "");
      frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      var href = safeUrl(url);
      frag.appendChild(href ? el("a", {href: href, target: "_blank", rel: "noopener noreferrer"}, url)
                            : document.createTextNode(url));
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function formatWhen(iso, lang, end) {
    var date = new Date(iso);
    if (!isText(iso) || isNaN(date.getTime())) return isText(iso) ? iso : "";
    var locale = lang === "cy" ? "cy-GB" : "en-GB";
    var options = {timeZone: "Europe/London", weekday: "long", day: "numeric", month: "long",
                   hour: "numeric", minute: "2-digit"};
    var text;
    try { text = new Intl.DateTimeFormat(locale, options).format(date); }
    catch (e) { text = date.toString(); }
    var endDate = end ? new Date(end) : null;
    if (endDate && !isNaN(endDate.getTime())) {
      try {
        text += "–" + new Intl.DateTimeFormat(locale, {timeZone: "Europe/London", hour: "numeric",
                                                       minute: "2-digit"}).format(endDate);
      } catch (e) { /* keep the start only */ }
    }
    return text;
  }

  // ------------------------------------------------------------------ cards
  function badge(open, lang) {
    return el("span", {"class": "badge " + (open ? "open" : "closed")},
              t(open ? "signpost.open_now" : "signpost.closed", null, lang));
  }

  function serviceItem(service, lang, headingTag) {
    var name = isText(service.name) ? service.name : "";
    var item = el("li", {"class": "service"});
    var head = el("div", {"class": "service-head"}, el(headingTag, {"class": "service-name", text: name}));
    if (typeof service.open_now === "boolean") head.appendChild(badge(service.open_now, lang));
    item.appendChild(head);
    var label = t(service.open_now ? "signpost.open_now" : "signpost.closed", null, lang);
    if (isText(service.status) && service.status.trim() !== label) {
      item.appendChild(el("p", {"class": "service-status", text: service.status}));
    }
    if (isText(service.hours)) item.appendChild(el("p", {"class": "service-hours", text: t("signpost.hours", {hours: service.hours}, lang)}));
    if (isText(service.for_whom)) item.appendChild(el("p", {"class": "service-for", text: service.for_whom}));
    var contacts = el("div", {"class": "contacts"});
    var phone = isText(service.phone) ? dialable(service.phone) : null;
    if (phone) {
      contacts.appendChild(el("a", {"class": "contact tel", href: "tel:" + phone},
                              t("signpost.call", {phone: service.phone.trim()}, lang)));
    }
    var sms = isText(service.text) ? dialable(service.text) : null;
    if (sms) {
      var keyword = isText(service.text_keyword) ? service.text_keyword.trim() : null;
      contacts.appendChild(el("a", {"class": "contact sms",
                                    href: "sms:" + sms + (keyword ? "?body=" + encodeURIComponent(keyword) : "")},
                              keyword ? t("signpost.text_keyword", {keyword: keyword, number: service.text.trim()}, lang)
                                      : t("signpost.text", {number: service.text.trim()}, lang)));
    }
    var web = safeUrl(service.web);
    if (web) {
      contacts.appendChild(el("a", {"class": "contact web", href: web, target: "_blank", rel: "noopener noreferrer"},
                              t("signpost.web", {name: name}, lang)));
    }
    if (isText(service.email) && /^[^\s@]+@[^\s@]+$/.test(service.email.trim())) {
      contacts.appendChild(el("a", {"class": "contact email", href: "mailto:" + service.email.trim()},
                              t("signpost.email", {email: service.email.trim()}, lang)));
    }
    if (contacts.childNodes.length) item.appendChild(contacts);
    if (phone && isText(service.press)) item.appendChild(el("p", {"class": "service-press", text: t("signpost.press", {press: service.press}, lang)}));
    if (service.demo) item.appendChild(el("p", {"class": "service-demo", text: t("signpost.demo", null, lang)}));
    return item;
  }

  function signpostCard(payload, lang, live) {
    var emergency = payload.urgency === "emergency";
    var headingId = nextId("card");
    var card = el("section", {"class": "card signpost" + (emergency ? " emergency" : ""),
                              "aria-labelledby": headingId,
                              role: emergency && live ? "alert" : null});
    var key = emergency ? "signpost.heading_emergency"
            : payload.urgency === "urgent" ? "signpost.heading_urgent" : "signpost.heading_routine";
    card.appendChild(el("h3", {id: headingId, text: t(key, null, lang)}));
    var services = Array.isArray(payload.services) ? payload.services.filter(function (s) { return s && typeof s === "object"; }) : [];
    var steps = Array.isArray(payload.steps) ? payload.steps.filter(function (s) { return s && isText(s.text); }) : [];
    if (emergency) {
      card.appendChild(el("a", {"class": "call-999", href: "tel:999"}, t("signpost.call_999", null, lang)));
      if (steps.length) {
        card.appendChild(el("p", {"class": "lead", text: steps[0].text}));
        if (steps.length > 1) {
          card.appendChild(el("h4", {text: t("signpost.steps", null, lang)}));
          var list = el("ol", {"class": "steps"});
          steps.slice(1).forEach(function (s) { list.appendChild(el("li", {text: s.text})); });
          card.appendChild(list);
        }
      }
      // 999 is the big link above; the other services are listed below
      services = services.filter(function (s) { return dialable(s.phone || "") !== "999"; });
      if (services.length) card.appendChild(el("h4", {text: t("signpost.lines", null, lang)}));
    } else if (payload.safeguarding) {
      // the urgent safeguarding reply: act today, no 999 banner
      if (steps.length) {
        card.appendChild(el("h4", {text: t("signpost.steps", null, lang)}));
        var ol = el("ol", {"class": "steps"});
        steps.forEach(function (s) { ol.appendChild(el("li", {text: s.text})); });
        card.appendChild(ol);
      }
    }
    if (services.length) {
      var ul = el("ul", {"class": "services"});
      services.forEach(function (s) { ul.appendChild(serviceItem(s, lang, emergency ? "h5" : "h4")); });
      card.appendChild(ul);
    }
    // what the buttons below are for (which local authority; carry on with a booking)
    if (isText(payload.prompt)) card.appendChild(el("p", {"class": "prompt", text: payload.prompt}));
    return card;
  }

  function bookingObject(payload) {
    var out = {};
    [payload, payload.slots, payload.session, payload.booking].forEach(function (part) {
      if (!part || typeof part !== "object" || Array.isArray(part)) return;
      for (var k in part) {
        if (Object.prototype.hasOwnProperty.call(part, k) && part[k] !== null && typeof part[k] !== "object") out[k] = part[k];
        else if (k === "professional" && part[k] && typeof part[k] === "object") out.professional_obj = part[k];
      }
    });
    return out;
  }

  function summaryList(obj, lang) {
    var rows = [];
    function row(key, value) { if (isText(value) || typeof value === "number") rows.push([key, String(value)]); }
    var prof = obj.professional_obj || {};
    var professional = isText(obj.professional) ? obj.professional : prof.name;
    var profRole = obj.professional_role || prof.role || (obj.start && obj.role);
    row("booking.field_professional", professional ? professional + (isText(profRole) ? " (" + profRole + ")" : "") : null);
    if (isText(obj.start)) row("booking.field_when", formatWhen(obj.start, lang, obj.end));
    else row("booking.field_when", obj.when || obj.time);
    var minutes = obj.length || obj.length_minutes || obj.minutes;
    if (minutes) row("booking.field_length", t("booking.minutes", {minutes: minutes}, lang));
    if (isText(obj.kind)) row("booking.field_kind", t("booking.kind_" + obj.kind, null, lang).indexOf("booking.") === 0 ? obj.kind : t("booking.kind_" + obj.kind, null, lang));
    if (isText(obj.mode)) row("booking.field_mode", t("booking.mode_" + obj.mode, null, lang).indexOf("booking.") === 0 ? obj.mode : t("booking.mode_" + obj.mode, null, lang));
    row("booking.field_setting", obj.setting || obj.setting_name);
    row("booking.field_topic", obj.topic);
    row("booking.field_name", obj.name || obj.practitioner_name);
    row("booking.field_role", obj.role_of_practitioner || obj.practitioner_role || (!obj.start ? obj.role : null));
    row("booking.field_contact", obj.contact);
    if (!rows.length) return null;
    var dl = el("dl", {"class": "summary"});
    rows.forEach(function (r) {
      dl.appendChild(el("div", {"class": "summary-row"}, el("dt", {text: t(r[0], null, lang)}), el("dd", {text: r[1]})));
    });
    return dl;
  }

  function referenceBlock(reference, lang, big) {
    return el("p", {"class": big ? "reference big" : "reference"},
              el("span", {"class": "reference-label", text: t("booking.reference", null, lang) + ": "}),
              el("strong", {"class": "reference-code", text: String(reference)}));
  }

  function bookingCard(payload, lang, buttons) {
    var step = isText(payload.step) ? payload.step : "offer";
    var headingId = nextId("card");
    var card = el("section", {"class": "card booking step-" + step.replace(/[^a-z_]/g, ""), "aria-labelledby": headingId});
    var headingKey = "booking.heading_" + step;
    var heading = t(headingKey, null, lang);
    card.appendChild(el("h3", {id: headingId, text: heading === headingKey ? t("booking.heading_offer", null, lang) : heading}));
    var obj = bookingObject(payload);
    if (step === "list") {
      var items = Array.isArray(payload.bookings) ? payload.bookings : [];
      if (!items.length) card.appendChild(el("p", {text: t("booking.none", null, lang)}));
      var ul = el("ul", {"class": "booking-list"});
      items.forEach(function (b) {
        if (!b || typeof b !== "object") return;
        var li = el("li");
        if (b.reference) li.appendChild(referenceBlock(b.reference, lang, false));
        var summary = summaryList(bookingObject(b), lang);
        if (summary) li.appendChild(summary);
        if (isText(b.status)) {
          var st = t("booking.status_" + b.status, null, lang);
          li.appendChild(el("p", {"class": "booking-status", text: t("booking.field_status", null, lang) + ": " + (st.indexOf("booking.") === 0 ? b.status : st)}));
        }
        ul.appendChild(li);
      });
      if (ul.childNodes.length) card.appendChild(ul);
    } else {
      if (obj.reference && (step === "confirmed" || step === "cancelled")) {
        card.appendChild(referenceBlock(obj.reference, lang, step === "confirmed"));
        if (step === "confirmed") card.appendChild(el("p", {"class": "keep", text: t("booking.keep_reference", null, lang)}));
      }
      if (step === "offer") {
        var sessions = Array.isArray(payload.sessions) ? payload.sessions : [];
        var first = sessions[0] && typeof sessions[0] === "object" ? bookingObject(sessions[0]) : obj;
        var prof = isText(first.professional) ? first.professional : (first.professional_obj || {}).name;
        if (isText(prof)) {
          var role = first.role || (first.professional_obj || {}).role;
          card.appendChild(el("p", {"class": "offer-with"},
                              t("booking.field_professional", null, lang) + ": ",
                              el("strong", {text: prof}), isText(role) ? " (" + role + ")" : ""));
        }
        if (!buttons.length && sessions.length) {
          var list = el("ul", {"class": "session-list"});
          sessions.forEach(function (s) {
            if (s && typeof s === "object") list.appendChild(el("li", {text: formatWhen(s.start, lang, s.end)}));
          });
          card.appendChild(list);
        }
      } else {
        var summary = summaryList(obj, lang);
        if (summary) card.appendChild(summary);
      }
    }
    if (buttons.length) card.appendChild(buttonGroup(buttons));
    return card;
  }

  // ------------------------------------------------------------------ turns
  function buttonGroup(buttons) {
    var group = el("div", {"class": "buttons"});
    buttons.forEach(function (b) {
      if (!b || !isText(b.title) || !isText(b.payload)) return;
      var button = el("button", {type: "button", "class": "reply", "data-payload": b.payload}, b.title);
      button.addEventListener("click", function () {
        send(b.payload, b.title).then(function (ok) { if (ok) els.input.focus({preventScroll: true}); });
      });
      group.appendChild(button);
    });
    return group;
  }

  // A bot turn's entries grouped per bot message: Rasa sends a message's text
  // parts (the last one with its buttons), then its custom payload.
  function groupEntries(entries) {
    var groups = [], current = {texts: [], buttons: [], custom: null, extras: []};
    entries.forEach(function (entry) {
      if (!entry || typeof entry !== "object") return;
      if (isText(entry.text)) current.texts.push(entry.text);
      if (Array.isArray(entry.buttons)) current.buttons = current.buttons.concat(entry.buttons);
      if (isText(entry.image) || isText(entry.attachment)) current.extras.push(entry);
      if (entry.custom && typeof entry.custom === "object") {
        current.custom = entry.custom;
        groups.push(current);
        current = {texts: [], buttons: [], custom: null, extras: []};
      }
    });
    if (current.texts.length || current.buttons.length || current.extras.length) groups.push(current);
    return groups;
  }

  function textBlock(texts, extraClass) {
    var box = el("div", {"class": "bubble" + (extraClass ? " " + extraClass : "")});
    texts.forEach(function (text) { box.appendChild(el("p", null, textWithLinks(text))); });
    return box;
  }

  function extrasBlock(extras) {
    var box = el("div", {"class": "extras"});
    extras.forEach(function (e) {
      var img = safeUrl(e.image);
      if (isText(e.image) && img && /^https?:/i.test(e.image)) box.appendChild(el("img", {src: img, alt: ""}));
      if (isText(e.attachment)) {
        var href = /^https?:/i.test(e.attachment) ? safeUrl(e.attachment) : null;
        box.appendChild(href ? el("a", {href: href, target: "_blank", rel: "noopener noreferrer"}, e.attachment)
                             : el("p", {text: e.attachment}));
      }
    });
    return box;
  }

  function renderBotTurn(turn, live) {
    var lang = turn.lang || state.lang;
    var li = el("li", {"class": "msg bot", lang: lang});
    li.appendChild(el("span", {"class": "visually-hidden", text: t("log.bot", null, lang)}));
    groupEntries(Array.isArray(turn.entries) ? turn.entries : []).forEach(function (g) {
      var kind = g.custom && g.custom.kind;
      var block = el("div", {"class": "group" + (kind ? " kind-" + String(kind).replace(/[^a-z_]/g, "") : "")});
      if (kind === "signpost") {
        block.appendChild(signpostCard(g.custom, lang, live));
        if (g.texts.length) {
          block.appendChild(el("details", {"class": "as-text"},
                               el("summary", {text: t("card.show_text", null, lang)}), textBlock(g.texts)));
        }
        if (g.buttons.length) block.appendChild(buttonGroup(g.buttons));
      } else if (kind === "booking") {
        if (g.texts.length) block.appendChild(textBlock(g.texts));
        block.appendChild(bookingCard(g.custom, lang, g.buttons));
      } else {
        if (g.texts.length) block.appendChild(textBlock(g.texts, kind === "clarify" ? "clarify" : null));
        if (kind === "answer" && isText(g.custom.source)) {
          block.appendChild(el("p", {"class": "source", text: t("answer.source", {source: g.custom.source}, lang)}));
        }
        if (g.buttons.length) block.appendChild(buttonGroup(g.buttons));
      }
      if (g.extras.length) block.appendChild(extrasBlock(g.extras));
      li.appendChild(block);
    });
    return li;
  }

  function renderUserTurn(turn) {
    return el("li", {"class": "msg user"},
              el("span", {"class": "visually-hidden", text: t("log.you", null, turn.lang)}),
              el("p", {"class": "bubble", text: turn.text}));
  }

  function renderTurn(turn, live) {
    return turn.who === "user" ? renderUserTurn(turn) : renderBotTurn(turn, live);
  }

  function updateEmpty() { els.empty.hidden = state.turns.length > 0; }

  function addTurn(turn) {
    state.turns.push(turn);
    saveState();
    var node = renderTurn(turn, true);
    els.log.appendChild(node);
    updateEmpty();
    if (turn.who === "bot" && node.scrollIntoView) {
      node.scrollIntoView({block: "start", behavior: reducedMotion ? "auto" : "smooth"});
    }
    return node;
  }

  function renderAll() {
    els.log.setAttribute("aria-live", "off");   // don't read the restored history aloud
    while (els.log.firstChild) els.log.removeChild(els.log.firstChild);
    state.turns.forEach(function (turn) { els.log.appendChild(renderTurn(turn, false)); });
    updateEmpty();
    window.setTimeout(function () { els.log.setAttribute("aria-live", "polite"); }, 50);
    var last = els.log.lastElementChild;
    if (last && last.scrollIntoView) last.scrollIntoView({block: "start", behavior: "auto"});
  }

  // ------------------------------------------------------------------ sending
  var replies = 0;   // answered requests, for tests and tools (data-replies on <body>)

  function setBusy(value) {
    if (busy && !value) {
      replies += 1;
      document.body.setAttribute("data-replies", String(replies));
    }
    busy = value;
    els.send.setAttribute("aria-disabled", value ? "true" : "false");
    els.log.setAttribute("aria-busy", value ? "true" : "false");
    if (value) els.status.textContent = t("status.replying");
    else if (els.status.textContent === t("status.replying")) els.status.textContent = "";
  }

  function readHeaders(res) {
    var slot = res.headers.get("X-Nest-Language");
    if (slot && config.texts[slot] && slot !== state.slotLang) {
      state.slotLang = slot;
      setLanguage(slot);
    }
    return res.headers.get("X-Nest-Conversation") === "deleted";
  }

  // Send `message` to the bot; show `shown` as the user's turn (null: show nothing).
  function send(message, shown) {
    if (busy) return Promise.resolve(false);
    if (message.length > config.max_message_chars) {
      els.status.textContent = t("status.too_long", {max: config.max_message_chars});
      return Promise.resolve(false);
    }
    setBusy(true);
    if (shown !== null) addTurn({who: "user", text: shown === undefined ? message : shown, lang: state.lang});
    return window.fetch("webhook", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({sender: state.sender, message: message}),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      var deleted = readHeaders(res);
      return res.json().then(function (entries) {
        if (!Array.isArray(entries)) throw new Error("not a list");
        if (deleted) {            // "delete my conversation": forget it here too
          state.turns = [];
          els.log.textContent = "";
        }
        setBusy(false);
        if (entries.length) addTurn({who: "bot", entries: entries, lang: state.lang});
        return true;
      });
    }).catch(function () {
      setBusy(false);
      els.status.textContent = t("status.error");
      return false;
    });
  }

  els.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = els.input.value.trim();
    if (!text || busy) return;
    els.input.value = "";
    autosize();
    send(text).then(function (ok) {
      if (!ok && !els.input.value) { els.input.value = text; autosize(); }
    });
  });

  els.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (els.form.requestSubmit) els.form.requestSubmit();
      else els.form.dispatchEvent(new Event("submit", {cancelable: true}));
    }
  });

  function keepClearOfComposer() {
    var composer = els.form.parentElement;
    document.documentElement.style.scrollPaddingBottom = (composer.offsetHeight + 16) + "px";
  }

  function autosize() {
    els.input.style.height = "auto";
    els.input.style.height = Math.min(els.input.scrollHeight, 200) + "px";
    keepClearOfComposer();
  }
  els.input.addEventListener("input", autosize);
  window.addEventListener("resize", keepClearOfComposer);

  els.toggle.addEventListener("click", function () {
    var lang = els.toggle.getAttribute("data-language");
    if (!lang || busy) return;
    setLanguage(lang);
    send("/" + config.switch_language_intent + JSON.stringify({language: lang}), null);
  });

  els.reset.addEventListener("click", function () {
    if (state.turns.length && !window.confirm(t("page.new_conversation_confirm"))) return;
    state = freshState(state.lang);
    saveState();
    renderAll();
    els.status.textContent = "";
    els.input.focus();
    if (state.lang !== state.slotLang) {   // the new conversation starts in the page's language
      send("/" + config.switch_language_intent + JSON.stringify({language: state.lang}), null);
    }
  });

  // ------------------------------------------------------------------ start
  applyLabels();
  keepClearOfComposer();
  renderAll();
  saveState();
  document.body.classList.add("ready");
})();
