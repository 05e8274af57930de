/* Counsellor console: the queue and my conversations over /ws/counsel, the rest over
   /api/v1/counsel. Server text is only ever set with textContent. */
(() => {
  'use strict';
  const root = document.querySelector('[data-counsel]');
  if (!root) return;
  const ko = root.dataset.lang !== 'en';
  const T = ko
    ? { accept: '수락', open: '열기', waiting: '대기', message: '남긴 메시지', since: '부터', held: '다른 상담사가 응대 중입니다', live: '실시간 연결됨', offline: '연결이 끊겼습니다. 다시 연결하는 중…', insert: '넣기', closed: '상담을 종료했습니다', citizen: '시민', counsellor: '상담사', agent: '해치', service: '안내', none: '응대 중인 상담이 없습니다.', stats: { handoffs: '요청', handled: '완료', average_wait_s: '평균 대기(초)', average_handling_s: '평균 상담(초)', average_satisfaction: '평균 만족도' } }
    : { accept: 'Accept', open: 'Open', waiting: 'waiting', message: 'left a message', since: 'since', held: 'Another counsellor holds this conversation', live: 'Live', offline: 'Disconnected; reconnecting…', insert: 'Insert', closed: 'Closed', citizen: 'Citizen', counsellor: 'Counsellor', agent: 'Haechi', service: 'Notice', none: 'No conversations held.', stats: { handoffs: 'Requests', handled: 'Handled', average_wait_s: 'Avg wait (s)', average_handling_s: 'Avg handling (s)', average_satisfaction: 'Avg satisfaction' } };
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
  const $ = sel => root.querySelector(sel);
  const status = document.querySelector('[data-status]');
  const queueList = $('[data-queue]'), queueEmpty = $('[data-queue-empty]'), heldList = $('[data-held]');
  const chat = $('[data-chat]'), log = $('[data-log]'), title = $('[data-chat-title]');
  const text = $('[data-text]');
  const state = { socket: null, current: null, held: [], seen: new Set(), lastTyping: 0 };

  const el = (tag, cls, content) => { const n = document.createElement(tag); if (cls) n.className = cls; if (content != null) n.textContent = content; return n; };
  const api = async (method, path, body) => {
    const res = await fetch('/api/v1/counsel' + path, {
      method, credentials: 'same-origin',
      headers: Object.assign({ Accept: 'application/json' }, body ? { 'Content-Type': 'application/json' } : {}, method !== 'GET' ? { 'X-CSRF-Token': csrf } : {}),
      body: body ? JSON.stringify(body) : undefined
    });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw Object.assign(new Error((data && data.detail) || ('HTTP ' + res.status)), { status: res.status });
    return data;
  };
  const enc = id => encodeURIComponent(id);
  const when = iso => new Date(iso).toLocaleTimeString(ko ? 'ko-KR' : 'en-GB', { hour: '2-digit', minute: '2-digit' });

  function renderQueue(items) {
    queueList.replaceChildren();
    queueEmpty.hidden = items.length > 0;
    items.forEach(item => {
      const li = el('li', 'item');
      li.dataset.conversation = item.conversation_id;
      const head = item.state === 'waiting' ? `${item.position}. ${T.waiting}` : T.message;
      li.append(el('strong', null, `${head} · ${item.channel} · ${when(item.waiting_since)} ${T.since}`));
      if (item.preview) li.append(el('div', 'muted', '“' + item.preview + '”'));
      const b = el('button', null, T.accept);
      b.type = 'button';
      b.dataset.accept = item.conversation_id;
      b.addEventListener('click', () => accept(item.conversation_id));
      li.append(b);
      queueList.append(li);
    });
  }

  function renderHeld() {
    heldList.replaceChildren();
    if (!state.held.length) heldList.append(el('li', 'muted', T.none));
    state.held.forEach(item => {
      const li = el('li', 'item');
      const b = el('button', item.conversation_id === state.current ? 'chosen' : 'secondary', `${T.open}: ${item.channel} · ${item.preview || item.conversation_id}`);
      b.type = 'button';
      b.addEventListener('click', () => open(item.conversation_id));
      li.append(b);
      heldList.append(li);
    });
  }

  function addLine(line) {
    if (state.seen.has(line.id)) return;
    state.seen.add(line.id);
    const row = el('div', 'line ' + line.author);
    row.dataset.author = line.author;
    row.append(el('span', 'who', `${T[line.author] || line.author} · ${when(line.at)}`));
    row.append(el('span', 'said', line.text));
    log.append(row);
    log.scrollTop = log.scrollHeight;
  }

  async function refreshHeld() {
    state.held = await api('GET', '/held');
    renderHeld();
  }

  async function accept(id) {
    try {
      await api('POST', `/${enc(id)}/accept`);
      await refreshHeld();
      await open(id);
    } catch (err) {
      status.textContent = err.status === 409 ? T.held : String(err.message);
    }
  }

  async function open(id) {
    state.current = id;
    state.seen = new Set();
    log.replaceChildren();
    chat.hidden = false;
    chat.dataset.conversation = id;
    title.textContent = id;
    const transcript = await api('GET', `/${enc(id)}/transcript`);
    title.textContent = `${transcript.channel} · ${transcript.preview || ''}`;
    transcript.messages.forEach(addLine);
    renderHeld();
    text.focus();
  }

  function send(body) {
    if (!state.current || !body.trim()) return;
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify({ type: 'send', conversation_id: state.current, text: body }));
    } else {
      api('POST', `/${enc(state.current)}/messages`, { text: body }).catch(err => { status.textContent = String(err.message); });
    }
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/ws/counsel`);
    state.socket = socket;
    socket.addEventListener('message', event => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (_) { return; }
      if (frame.type === 'hello') status.textContent = `${T.live} · ${frame.counsellor}`;
      else if (frame.type === 'queue') renderQueue(frame.items || []);
      else if (frame.type === 'message' && frame.conversation_id === state.current) addLine(frame);
      else if (frame.type === 'error') status.textContent = frame.reason;
    });
    socket.addEventListener('close', () => { status.textContent = T.offline; setTimeout(connect, 2000); });
  }

  $('[data-composer]').addEventListener('submit', e => {
    e.preventDefault();
    const body = text.value;
    text.value = '';
    send(body);
  });
  text.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); $('[data-composer]').requestSubmit(); }
  });
  text.addEventListener('input', () => {
    const now = Date.now();
    if (!state.current || now - state.lastTyping < 2000) return;
    state.lastTyping = now;
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify({ type: 'typing', conversation_id: state.current }));
  });
  $('[data-reply-search]').addEventListener('submit', async e => {
    e.preventDefault();
    const q = $('[data-reply-q]').value.trim();
    const list = $('[data-replies]');
    list.replaceChildren();
    if (!q) return;
    const replies = await api('GET', `/replies?q=${encodeURIComponent(q)}`).catch(() => []);
    replies.forEach(r => {
      const li = el('li');
      li.append(el('strong', null, r.question));
      li.append(el('div', 'muted', r.answer.length > 160 ? r.answer.slice(0, 160) + '…' : r.answer));
      const b = el('button', 'secondary', T.insert);
      b.type = 'button';
      b.dataset.insert = r.external_id;
      b.addEventListener('click', () => { text.value = (text.value ? text.value + '\n' : '') + r.answer; text.focus(); });
      li.append(b);
      list.append(li);
    });
  });
  $('[data-close]').addEventListener('submit', async e => {
    e.preventDefault();
    if (!state.current) return;
    const note = $('[data-note]').value.trim();
    try {
      await api('POST', `/${enc(state.current)}/close`, { category: $('[data-category]').value, note: note || null });
      status.textContent = T.closed;
      state.current = null;
      chat.hidden = true;
      $('[data-note]').value = '';
      await refreshHeld();
      loadStats();
    } catch (err) { status.textContent = String(err.message); }
  });

  async function loadStats() {
    const stats = await api('GET', '/stats').catch(() => null);
    const dl = $('[data-stats]');
    dl.replaceChildren();
    if (!stats) return;
    Object.entries(T.stats).forEach(([key, label]) => {
      dl.append(el('dt', null, label));
      dl.append(el('dd', null, stats[key] == null ? '–' : String(stats[key])));
    });
  }

  connect();
  refreshHeld().catch(() => {});
  loadStats();
})();
