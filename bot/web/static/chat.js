/* Haechi (해치) web chat — plain JS, no dependencies. Server text is only ever set via textContent. */
(() => {
  'use strict';

  const API = '/api/v1/chat';
  // The server issues the conversation: a random 128-bit id, and its secret in an HttpOnly cookie.
  const SESSIONS_API = '/api/v1/chat/sessions';
  const MAX_LEN = 1000;
  const TIMEOUT_MS = 20000;
  const K_SESSION = 'haechi.session_id', K_LANG = 'haechi.lang', K_EASY = 'haechi.easy_mode', K_VOICE = 'haechi.voice';

  const T = {
    ko: {
      title: '해치 · 서울시 민원 상담', name: '해치', subtitle: '서울시 민원 상담 도우미',
      placeholder: '질문을 입력하세요', inputLabel: '메시지 입력', send: '보내기',
      newChat: '새 대화', easy: '쉬운 말', voice: '소리로 듣기', listen: '답변 듣기', log: '대화 내용', typing: '해치가 답변을 준비하고 있어요',
      welcome: '안녕하세요, 서울시 상담 도우미 해치입니다. 무엇을 도와드릴까요?',
      suggestions: ['자동차세 언제 내요?', '무엇을 할 수 있나요?', '상담사 연결'],
      error: '잠시 연결이 원활하지 않습니다. 잠시 후 다시 시도해 주세요.', retry: '다시 시도',
      more: '자세히 보기', source: '출처', handoff: '120다산콜센터 상담사 연결', call: '전화 걸기',
      handoffState: { offered: '원하시면 상담사와 연결해 드릴게요.', requested: '상담사 연결을 요청했어요. 잠시만 기다려 주세요.', connected: '상담사와 연결되었어요.', queued: '상담사 연결 대기 중', closed: '상담이 끝났어요.', left: '대기를 취소했어요.', leave_message: '메시지를 남겨 주세요.', message_left: '메시지를 접수했어요.' },
      position: n => `대기 ${n}번째`, wait: s => `약 ${Math.max(1, Math.round(s / 60))}분`,
      counsellor: name => `상담사 ${name}`, counsellorTyping: '상담사가 답변을 입력하고 있어요'
    },
    en: {
      title: 'Haechi · Seoul Public Service Chat', name: 'Haechi 해치', subtitle: "Seoul's public service assistant",
      placeholder: 'Type your question', inputLabel: 'Message', send: 'Send',
      newChat: 'New chat', easy: 'Easy mode', voice: 'Read aloud', listen: 'Listen to the answer', log: 'Conversation', typing: 'Haechi is preparing an answer',
      welcome: "Hello, I'm Haechi, Seoul's public service assistant. How can I help?",
      suggestions: ['When is the car tax due?', 'What can you do?', 'Talk to a counsellor'],
      error: "We couldn't reach the assistant. Please try again in a moment.", retry: 'Try again',
      more: 'More', source: 'Source', handoff: '120 Dasan Call Center — talk to a counsellor', call: 'Call',
      handoffState: { offered: 'I can connect you to a counsellor if you like.', requested: 'A counsellor has been requested. Please wait a moment.', connected: 'You are connected to a counsellor.', queued: 'Waiting for a counsellor', closed: 'The counselling has ended.', left: 'You left the queue.', leave_message: 'Please leave a message.', message_left: 'Your message was taken.' },
      position: n => `number ${n} in the queue`, wait: s => `about ${Math.max(1, Math.round(s / 60))} min`,
      counsellor: name => `Counsellor ${name}`, counsellorTyping: 'The counsellor is typing'
    }
  };

  const store = {
    get(k) { try { return localStorage.getItem(k); } catch (_) { return null; } },
    set(k, v) { try { v == null ? localStorage.removeItem(k) : localStorage.setItem(k, v); } catch (_) { /* private mode */ } }
  };

  const $ = id => document.getElementById(id);
  const log = $('chat-log'), scroller = $('chat-scroll'), typing = $('chat-typing');
  const form = $('chat-form'), input = $('chat-input'), sendBtn = $('chat-send'), counter = $('chat-count');
  const easyBtn = $('easy-toggle'), voiceBtn = $('voice-toggle'), newBtn = $('new-chat');

  const storedLang = store.get(K_LANG);
  const state = {
    // Only a server-issued id (s-...) is kept; an older client-made id starts a new conversation.
    session: (store.get(K_SESSION) || '').startsWith('s-') ? store.get(K_SESSION) : '',
    lang: T[storedLang] ? storedLang : 'ko',
    langExplicit: !!T[storedLang], // only send "language" once the user picked one (or the server set it)
    easy: store.get(K_EASY) === '1',
    // Spoken replies: null follows easy mode (the server speaks easy replies), true/false is the
    // citizen's own choice for this browser.
    voice: store.get(K_VOICE) === '1' ? true : store.get(K_VOICE) === '0' ? false : null,
    busy: false,
    ctrl: null,
    welcome: null
  };
  async function newSession() {
    const res = await fetch(SESSIONS_API, { method: 'POST', headers: { Accept: 'application/json' } });
    const data = await res.json().catch(() => null);
    if (!res.ok || !data || !data.session_id) throw new Error(`HTTP ${res.status}`);
    state.session = data.session_id;
    store.set(K_SESSION, state.session);
    return state.session;
  }

  const t = key => T[state.lang][key];

  // ---------- DOM helpers ----------
  function el(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = String(text);
    return n;
  }

  function safeUrl(u) {
    try {
      const url = new URL(String(u), location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (_) { return null; }
  }

  function link(href, label, cls) {
    const a = el('a', cls, label);
    a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer';
    return a;
  }

  // Append text to parent, turning http(s) URLs into anchors. No HTML parsing involved.
  function appendRich(parent, text) {
    const re = /https?:\/\/[\w\-.~:/?#@!$&*+,;=%]+/gi;
    let last = 0, m;
    while ((m = re.exec(text))) {
      const raw = m[0].replace(/[.,;:!?]+$/, '');
      const href = safeUrl(raw);
      parent.append(text.slice(last, m.index), href ? link(href, raw) : raw);
      last = m.index + raw.length;
      re.lastIndex = last;
    }
    parent.append(text.slice(last));
  }

  function scrollDown() { scroller.scrollTop = scroller.scrollHeight; }
  function add(node) { log.append(node); scrollDown(); return node; }

  // ---------- rendering ----------
  function renderChips(buttons, onPick) {
    const wrap = el('div', 'chips');
    buttons.forEach(btn => {
      if (!btn || btn.title == null || btn.title === '') return;
      const c = el('button', 'chip', btn.title);
      c.type = 'button';
      c.addEventListener('click', () => {
        if (state.busy) return;
        wrap.querySelectorAll('.chip').forEach(x => { x.disabled = true; });
        c.classList.add('chosen');
        onPick(btn);
      });
      wrap.append(c);
    });
    return wrap;
  }

  const pickButton = btn => send(String(btn.payload != null && btn.payload !== '' ? btn.payload : btn.title), String(btn.title));

  function renderCard(c) {
    const box = el('div', 'card');
    if (c.title) box.append(el('p', 'card-title', c.title));
    if (c.body) { const p = el('p', 'card-body'); appendRich(p, String(c.body)); box.append(p); }
    const href = c.url && safeUrl(c.url);
    if (href) box.append(link(href, t('more'), 'card-link'));
    if (c.source) box.append(el('p', 'card-source', `${t('source')}: ${c.source}`));
    return box;
  }

  function renderHandoff(h) {
    const box = el('div', 'handoff');
    box.setAttribute('role', 'note');
    box.append(el('p', 'handoff-title', t('handoff')));
    const st = t('handoffState')[h.state];
    if (st) box.append(el('p', 'handoff-state', st));
    if (h.state === 'queued' && h.position) {
      const wait = h.expected_wait_s ? ` · ${t('wait')(h.expected_wait_s)}` : '';
      box.append(el('p', 'handoff-position', t('position')(h.position) + wait));
    }
    if (h.counsellor) box.append(el('p', 'handoff-counsellor', t('counsellor')(h.counsellor)));
    if (h.note) box.append(el('p', 'handoff-note', h.note));
    const tel = h.phone ? String(h.phone).replace(/[^\d+]/g, '') : '';
    if (tel) box.append(Object.assign(el('a', 'handoff-call', `☎ ${t('call')} ${h.phone}`), { href: 'tel:' + tel }));
    return box;
  }

  function renderBot(m) {
    if (!m || typeof m !== 'object') return;
    const b = el('div', m.counsellor ? 'msg msg-bot msg-counsellor' : 'msg msg-bot');
    if (m.counsellor) b.append(el('span', 'msg-author', t('counsellor')(m.counsellor)));
    if (m.text) { const p = el('p', 'msg-text'); appendRich(p, String(m.text)); b.append(p); }
    if (m.card && typeof m.card === 'object') b.append(renderCard(m.card));
    if (m.handoff && typeof m.handoff === 'object') b.append(renderHandoff(m.handoff));
    const audio = m.audio_url && safeUrl(m.audio_url);
    if (audio) b.append(renderAudio(audio));
    if (Array.isArray(m.buttons) && m.buttons.length) b.append(renderChips(m.buttons, pickButton));
    if (b.childNodes.length) add(b);
  }

  // OGG/Opus first; the server keeps a WAV copy of every clip for browsers without Opus.
  function renderAudio(url) {
    const player = el('audio', 'msg-audio');
    player.controls = true;
    player.preload = 'none';
    player.setAttribute('aria-label', t('listen'));
    const wav = url.replace(/\.ogg$/, '.wav');
    player.append(Object.assign(el('source'), { src: url, type: 'audio/ogg; codecs=opus' }));
    if (wav !== url) player.append(Object.assign(el('source'), { src: wav, type: 'audio/wav' }));
    return player;
  }

  // Play a reply's clips one after another; a browser that blocks autoplay keeps the controls.
  function playInTurn(players) {
    players.forEach((p, i) => { if (players[i + 1]) p.addEventListener('ended', () => players[i + 1].play().catch(() => {}), { once: true }); });
    if (players.length) players[0].play().catch(() => {});
  }

  function renderUser(text) {
    const b = el('div', 'msg msg-user'), p = el('p', 'msg-text');
    appendRich(p, text);
    b.append(p);
    return add(b);
  }

  function renderError(text, shown) {
    const b = el('div', 'msg msg-bot msg-error');
    b.append(el('p', 'msg-text', t('error')));
    b.append(renderChips([{ title: t('retry') }], () => send(text, shown)));
    add(b);
  }

  function renderWelcome() {
    const b = el('div', 'msg msg-bot msg-welcome');
    b.append(el('p', 'msg-text', t('welcome')));
    b.append(renderChips(t('suggestions').map(s => ({ title: s, payload: s })), pickButton));
    return b;
  }

  // ---------- state changes ----------
  function applyLang() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach(n => { n.textContent = t(n.dataset.i18n); });
    document.querySelectorAll('[data-i18n-aria]').forEach(n => n.setAttribute('aria-label', t(n.dataset.i18nAria)));
    document.querySelectorAll('[data-lang]').forEach(b => b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang)));
    input.placeholder = t('placeholder');
    // Re-translate the local welcome only while it is still the whole conversation.
    if (state.welcome && log.childElementCount === 1 && log.firstElementChild === state.welcome) {
      const w = renderWelcome();
      state.welcome.replaceWith(w);
      state.welcome = w;
    }
  }

  function setLang(lang, explicit) {
    if (!T[lang]) return;
    if (explicit) state.langExplicit = true;
    const changed = lang !== state.lang;
    state.lang = lang;
    if (state.langExplicit) store.set(K_LANG, lang);
    if (changed || explicit) applyLang();
  }

  function setEasy(on) {
    state.easy = on;
    document.body.classList.toggle('easy', on);
    easyBtn.setAttribute('aria-pressed', String(on));
    store.set(K_EASY, on ? '1' : null);
    showVoice();
    updateCount(); // re-fit the textarea to the new font size
    scrollDown();
  }

  const voiceOn = () => (state.voice == null ? state.easy : state.voice);
  function showVoice() { voiceBtn.setAttribute('aria-pressed', String(voiceOn())); }
  function setVoice(on) {
    state.voice = on;
    store.set(K_VOICE, on ? '1' : '0');
    showVoice();
  }

  const coarse = window.matchMedia && matchMedia('(pointer: coarse)').matches;

  function setBusy(busy) {
    state.busy = busy;
    document.body.dataset.state = busy ? 'sending' : 'idle';
    input.disabled = busy;
    sendBtn.disabled = busy;
    typing.hidden = !busy;
    if (busy) scrollDown();
    else if (!coarse) input.focus();
  }

  function updateCount() {
    const n = input.value.length;
    counter.textContent = `${n}/${MAX_LEN}`;
    counter.classList.toggle('near', n >= MAX_LEN * 0.9);
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 200) + 'px';
  }

  // ---------- network ----------
  async function send(rawText, shown) {
    const text = String(rawText).trim().slice(0, MAX_LEN);
    if (!text || state.busy) return;
    renderUser(shown || text);
    setBusy(true);

    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    state.ctrl = ctrl;
    let session = state.session;

    const post = sid => {
      const body = { session_id: sid, text };
      if (state.langExplicit) body.language = state.lang;
      // Always say which: "쉽게 말해줘" turns easy mode on in the conversation, the button off.
      body.metadata = { easy_mode: state.easy };
      if (state.voice != null) body.metadata.voice = state.voice;
      return fetch(API, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        signal: ctrl.signal
      });
    };

    try {
      if (!session) session = await newSession();
      let res = await post(session);
      if (res.status === 403) {
        // The session's secret is gone (cookie cleared, or another browser): start a new one.
        session = await newSession();
        res = await post(session);
      }
      const data = await res.json().catch(() => null);
      if (!res.ok || !data || !Array.isArray(data.messages)) throw new Error(`HTTP ${res.status}`);
      if (session !== state.session) return; // conversation was reset meanwhile
      setLang(data.language); // server's detected/current language drives the UI
      // The agent switched easy mode ("쉽게 말해줘" / "원래대로"): the page follows.
      const easy = data.messages.map(m => m && m.easy_mode).filter(v => typeof v === 'boolean').pop();
      if (easy !== undefined && easy !== state.easy) setEasy(easy);
      const before = log.querySelectorAll('audio').length;
      data.messages.forEach(renderBot);
      followHandoff(data.messages);
      if (voiceOn()) playInTurn(Array.from(log.querySelectorAll('audio')).slice(before));
    } catch (err) {
      if (session !== state.session) return;
      console.warn('[haechi] chat request failed:', err);
      renderError(text, shown);
    } finally {
      clearTimeout(timer);
      if (state.ctrl === ctrl) { state.ctrl = null; setBusy(false); }
    }
  }

  // ---------- counsellor hand-off: pushed messages by long poll ----------
  const LIVE_STATES = ['queued', 'connected', 'leave_message', 'message_left'];
  const ENDED_STATES = ['left'];
  const counsellorTyping = $('counsellor-typing');

  function followHandoff(messages) {
    const states = messages.map(m => m && m.handoff && m.handoff.state).filter(Boolean);
    if (states.some(s => LIVE_STATES.includes(s))) startEvents();
    if (states.some(s => ENDED_STATES.includes(s))) stopEvents();
  }

  function stopEvents() {
    if (state.events) state.events.abort();
    state.events = null;
    counsellorTyping.hidden = true;
  }

  async function startEvents() {
    if (state.events || !state.session) return;
    const ctrl = new AbortController();
    state.events = ctrl;
    const session = state.session;
    let cursor = state.cursor || 0, shownTyping = false, failures = 0;
    while (state.events === ctrl && session === state.session) {
      try {
        const q = new URLSearchParams({ session_id: session, after: String(cursor), typing: String(shownTyping) });
        const res = await fetch('/api/v1/chat/events?' + q, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: ctrl.signal });
        if (res.status === 403) break;
        const data = await res.json().catch(() => null);
        if (!res.ok || !data || !Array.isArray(data.messages)) throw new Error(`HTTP ${res.status}`);
        failures = 0;
        cursor = state.cursor = data.cursor;
        shownTyping = !!data.typing;
        counsellorTyping.hidden = !shownTyping;
        if (data.messages.length) {
          data.messages.forEach(renderBot);
          scrollDown();
          const states = data.messages.map(m => m && m.handoff && m.handoff.state);
          if (states.includes('closed') || states.includes('left')) break;
        }
      } catch (err) {
        if (ctrl.signal.aborted) return;
        failures += 1;
        await new Promise(r => setTimeout(r, Math.min(30000, 1000 * 2 ** failures)));
      }
    }
    if (state.events === ctrl) { state.events = null; counsellorTyping.hidden = true; }
  }

  function submitInput() {
    if (state.busy || !input.value.trim()) return;
    const v = input.value;
    input.value = '';
    updateCount();
    send(v);
  }

  function newChat() {
    stopEvents();
    state.cursor = 0;
    if (state.ctrl) state.ctrl.abort();
    state.ctrl = null;
    state.session = '';
    store.set(K_SESSION, null);
    log.replaceChildren();
    state.welcome = add(renderWelcome());
    input.value = '';
    setBusy(false);
    updateCount();
  }

  // ---------- wiring ----------
  form.addEventListener('submit', e => { e.preventDefault(); submitInput(); });
  input.addEventListener('keydown', e => {
    // Ignore Enter while a Korean IME composition is in progress.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submitInput();
    }
  });
  input.addEventListener('input', updateCount);
  document.querySelectorAll('[data-lang]').forEach(b => b.addEventListener('click', () => setLang(b.dataset.lang, true)));
  easyBtn.addEventListener('click', () => setEasy(!state.easy));
  voiceBtn.addEventListener('click', () => setVoice(!voiceOn()));
  newBtn.addEventListener('click', newChat);

  input.maxLength = MAX_LEN;
  setEasy(state.easy);
  applyLang();
  state.welcome = add(renderWelcome());
  setBusy(false);
  updateCount();
})();
