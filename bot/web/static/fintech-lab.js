// Fintech Lab live translation page. The invite secret travels in the address's fragment
// (#invite=...), which browsers never send to the server; the member token stays in this page.
"use strict";

(function () {
  const api = "/api/v1/fintech-lab";
  const state = { token: null, last: 0, socket: null };
  const $ = (id) => document.getElementById(id);

  function invite() {
    const match = /(?:^|&)invite=([^&]+)/.exec(location.hash.slice(1));
    return match ? decodeURIComponent(match[1]) : null;
  }

  async function call(path, options) {
    const headers = { "content-type": "application/json" };
    if (state.token) headers.authorization = "Bearer " + state.token;
    const response = await fetch(api + path, Object.assign({ headers }, options || {}));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof body.detail === "string" ? body.detail : response.statusText;
      throw new Error(detail);
    }
    return body;
  }

  async function loadLanguages() {
    const { languages } = await call("/languages");
    const select = $("language");
    const preferred = (navigator.language || "ko").slice(0, 2);
    for (const language of languages) {
      const option = document.createElement("option");
      option.value = language.code;
      option.textContent = language.ko + " / " + language.en;
      if (language.code === preferred) option.selected = true;
      select.appendChild(option);
    }
  }

  function show(message) {
    if (message.id <= state.last) return;
    state.last = message.id;
    const item = document.createElement("li");
    item.className = "message" + (message.mine ? " mine" : "");
    item.lang = message.mine ? message.language : message.reader_language;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = message.mine ? "나 / Me" : message.author;
    item.appendChild(who);
    if (message.machine_translation) {
      const mark = document.createElement("span");
      mark.className = "mark";
      mark.textContent = "기계 번역 · Machine translation";
      item.appendChild(mark);
    } else if (!message.translated) {
      const mark = document.createElement("span");
      mark.className = "mark";
      mark.textContent = "번역 불가(오프라인 패키지 없음) · Not translated (no offline package)";
      item.appendChild(mark);
    }
    const text = document.createElement("p");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(text);
    if (message.text !== message.original) {
      const original = document.createElement("p");
      original.className = "original";
      original.lang = message.language;
      original.textContent = "원문 / Original: " + message.original;
      item.appendChild(original);
    }
    $("messages").appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  async function catchUp() {
    const { messages } = await call("/messages?after=" + state.last);
    messages.forEach(show);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/fintech-lab");
    state.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token: state.token }));
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "message") show(frame.message);
      if (frame.type === "ready") catchUp().catch(() => {});
    };
    socket.onclose = () => setTimeout(() => { if (state.token) connect(); }, 3000);
  }

  async function start(event) {
    event.preventDefault();
    $("setup-error").textContent = "";
    const body = { name: $("name").value.trim(), language: $("language").value };
    try {
      const code = invite();
      const ticket = code
        ? await call("/join", { method: "POST", body: JSON.stringify(Object.assign({ invite: code }, body)) })
        : await call("/rooms", { method: "POST", body: JSON.stringify(body) });
      state.token = ticket.member_token;
      if (ticket.invite) {
        $("invite-link").value = location.origin + location.pathname + "#invite=" + encodeURIComponent(ticket.invite);
        $("invite-box").hidden = false;
      }
      $("setup-form").hidden = true;
      $("room").hidden = false;
      $("text").focus();
      connect();
    } catch (error) {
      $("setup-error").textContent = error.message;
    }
  }

  async function send(event) {
    event.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("room-error").textContent = "";
    try {
      show(await call("/messages", { method: "POST", body: JSON.stringify({ text }) }));
      $("text").value = "";
    } catch (error) {
      $("room-error").textContent = error.message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    loadLanguages().catch((error) => { $("setup-error").textContent = error.message; });
    $("setup-form").addEventListener("submit", start);
    $("send-form").addEventListener("submit", send);
  });
})();
