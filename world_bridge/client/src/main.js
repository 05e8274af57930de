// Reference client for Haechi's world bridge: rooms, NPCs and other players from /ws/world.
// Simple geometry, HTML name tags and speech bubbles (CSS2DRenderer), a chat box, buttons,
// a language switch, easy mode (large text) and audio playback. Protocol: docs/world-protocol.md.
import * as THREE from "three";
import { CSS2DObject, CSS2DRenderer } from "three/addons/renderers/CSS2DRenderer.js";

const PROTOCOL = 2; // room traffic as one `tick` per server tick
const SPEED = 5; // metres a second
const MOVE_EVERY_MS = 100; // the server allows 20 frames a second
const TALK_EXTRA = 1.5; // talk to an NPC within its greeting radius plus this
const PING_EVERY_MS = 60_000;
const BUBBLE_CHARS = 140; // the full text is in the chat box

const UI = {
  ko: {
    title: "해치 월드",
    easy: "큰 글씨",
    send: "보내기",
    placeholder: "안내원에게 물어보세요",
    message: "안내원에게 보낼 메시지",
    log: "대화 내용",
    listen: "답변 듣기",
    scene: "3D 방: 방향키로 걷고, Tab으로 안내원 이름표를 골라 Enter를 누르면 다가갑니다.",
    noTarget: "안내원에게 다가가 말을 걸어 보세요",
    talkingTo: (name) => `대화 상대: ${name}`,
    roomChat: "방 대화: 실시간 통역",
    roomPlaceholder: "같은 방 사람들에게 편한 언어로 말해 보세요",
    roomMessage: "방 사람들에게 보낼 메시지",
    machine: "기계 번역",
    original: (language) => `원문(${language})`,
    untranslated: "번역할 수 없어 원문 그대로 보여 드립니다",
    help: "방향키나 WASD로 걷고, 바닥이나 안내원 이름을 누르면 그곳으로 갑니다.",
    chooseRoom: "위에서 방을 골라 입장하세요.",
    noWebgl: "이 브라우저에서는 3D 그래픽을 표시할 수 없어 이름표만 보여 드립니다.",
    disconnected: "연결이 끊어졌습니다. 다시 연결하는 중입니다…",
    you: "나",
  },
  en: {
    title: "Haechi World",
    easy: "Large text",
    send: "Send",
    placeholder: "Ask the guide",
    message: "Message to the guide",
    log: "Conversation",
    listen: "Listen to the answer",
    scene: "3D room: walk with the arrow keys; Tab to a guide's name tag and press Enter to go there.",
    noTarget: "Walk up to a guide to talk",
    talkingTo: (name) => `Talking to ${name}`,
    roomChat: "Room chat: live translation",
    roomPlaceholder: "Write to the people here in your own language",
    roomMessage: "Message to the people in this room",
    machine: "Machine translation",
    original: (language) => `Original (${language})`,
    untranslated: "Shown as written: no translation available",
    help: "Walk with the arrow keys or WASD; click the floor or a guide's name to go there.",
    chooseRoom: "Choose a room above to enter.",
    noWebgl: "This browser cannot show 3D graphics, so only the name tags are shown.",
    disconnected: "Disconnected. Reconnecting…",
    you: "me",
  },
};

const $ = (selector) => document.querySelector(selector);
const stored = (key, fallback) => localStorage.getItem(`haechi.world.${key}`) ?? fallback;
const store = (key, value) => localStorage.setItem(`haechi.world.${key}`, value);

const state = {
  playerId: stored("player", null),
  token: stored("token", null),
  name: stored("name", null),
  language: stored("language", navigator.language?.startsWith("ko") ? "ko" : "en"),
  easy: stored("easy", "0") === "1",
  rooms: [],
  room: null, // room_state of the current room
  npcs: new Map(), // id -> {info, group, bubble, tag}
  players: new Map(), // id -> {group, target: Vector3}
  me: null, // {group, position: Vector3, target: Vector3 | null}
  keys: new Set(),
  selectedNpc: null,
  lastMoveSent: 0,
  moved: false,
  socket: null,
  welcomed: false,
};
if (!state.playerId) {
  state.playerId = crypto.randomUUID().replaceAll("-", "");
  store("player", state.playerId);
}
if (!state.name) {
  state.name = `visitor-${state.playerId.slice(0, 4)}`;
  store("name", state.name);
}

// -- scene ------------------------------------------------------------------------------------

const sceneBox = $("#scene");
const scene = new THREE.Scene();
scene.background = new THREE.Color("#eef2f6");
const camera = new THREE.PerspectiveCamera(50, 1, 0.1, 200);
const world = new THREE.Group();
scene.add(world);
scene.add(new THREE.HemisphereLight("#ffffff", "#8899aa", 2.2));
const sun = new THREE.DirectionalLight("#ffffff", 1.5);
sun.position.set(5, 12, 8);
scene.add(sun);

let renderer = null;
try {
  renderer = new THREE.WebGLRenderer({ antialias: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  sceneBox.appendChild(renderer.domElement);
} catch {
  renderer = null;
  showNotice("noWebgl");
}
const labels = new CSS2DRenderer();
labels.domElement.style.position = "absolute";
labels.domElement.style.inset = "0";
labels.domElement.style.pointerEvents = "none";
sceneBox.appendChild(labels.domElement);

function resize() {
  const width = sceneBox.clientWidth;
  const height = sceneBox.clientHeight;
  camera.aspect = width / Math.max(height, 1);
  camera.updateProjectionMatrix();
  renderer?.setSize(width, height);
  labels.setSize(width, height);
}
window.addEventListener("resize", resize);

function label(className, text, offsetY) {
  const element = document.createElement("div");
  element.className = className;
  element.textContent = text;
  const object = new CSS2DObject(element);
  object.position.set(0, offsetY, 0);
  return object;
}

function figure(color, height) {
  const group = new THREE.Group();
  const material = new THREE.MeshStandardMaterial({ color });
  const body = new THREE.Mesh(new THREE.CylinderGeometry(0.35, 0.45, height, 16), material);
  body.position.y = height / 2;
  const head = new THREE.Mesh(new THREE.SphereGeometry(0.32, 16, 12), material);
  head.position.y = height + 0.3;
  group.add(body, head);
  return group;
}

function clearRoom() {
  for (const child of [...world.children]) {
    child.traverse((node) => {
      if (node.isCSS2DObject) node.element.remove();
    });
    world.remove(child);
  }
  state.npcs.clear();
  state.players.clear();
  state.me = null;
  state.selectedNpc = null;
}

function buildRoom(room) {
  clearRoom();
  const size = room.half_size * 2;
  const floor = new THREE.Mesh(
    new THREE.PlaneGeometry(size, size),
    new THREE.MeshStandardMaterial({ color: room.color }),
  );
  floor.rotation.x = -Math.PI / 2;
  world.add(floor);
  const grid = new THREE.GridHelper(size, size / 2, "#9aa7b4", "#c3ccd6");
  grid.position.y = 0.01;
  world.add(grid);
  const wallMaterial = new THREE.MeshStandardMaterial({ color: "#b8c4d0" });
  for (const [x, z, w, d] of [
    [0, -room.half_size, size, 0.3],
    [-room.half_size, 0, 0.3, size],
    [room.half_size, 0, 0.3, size],
  ]) {
    const wall = new THREE.Mesh(new THREE.BoxGeometry(w, 1.2, d), wallMaterial);
    wall.position.set(x, 0.6, z);
    world.add(wall);
  }
  const sign = label("tag", room.name, 2.2);
  sign.position.set(0, 2.2, -room.half_size);
  world.add(sign);

  for (const npc of room.npcs) {
    const group = figure("#2f9e44", 1.4);
    group.position.set(npc.position.x, npc.position.y, npc.position.z);
    const ring = new THREE.Mesh(
      new THREE.RingGeometry(npc.radius - 0.06, npc.radius, 48),
      new THREE.MeshBasicMaterial({ color: "#2f9e44", transparent: true, opacity: 0.35 }),
    );
    ring.rotation.x = -Math.PI / 2;
    ring.position.y = 0.02;
    group.add(ring);
    const tag = label("tag npc-tag", npc.name, 2.4);
    tag.element.dataset.npc = npc.id;
    tag.element.title = npc.persona;
    tag.element.addEventListener("pointerdown", (event) => {
      event.stopPropagation();
      walkToNpc(npc.id);
    });
    // Keyboard users reach each guide by Tab and walk up with Enter or Space.
    tag.element.tabIndex = 0;
    tag.element.setAttribute("role", "button");
    tag.element.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation();
      walkToNpc(npc.id);
    });
    const bubble = label("bubble", "", 3.3);
    bubble.element.dataset.npc = npc.id;
    bubble.center.set(0.5, 1);
    group.add(tag, bubble);
    world.add(group);
    state.npcs.set(npc.id, { info: npc, group, bubble: bubble.element, bounce: 0 });
  }

  const me = figure("#d9480f", 1.2);
  me.position.set(room.you.x, room.you.y, room.you.z);
  me.add(label("tag me", `${state.name} (${UI[state.language].you})`, 2.1));
  world.add(me);
  state.me = { group: me, target: null };
  for (const player of room.players) addPlayer(player);
  document.body.dataset.room = room.room;
  for (const button of document.querySelectorAll("#rooms button")) {
    button.classList.toggle("current", button.dataset.room === room.room);
  }
  updateTarget();
}

function addPlayer(player) {
  state.players.get(player.player_id)?.group.removeFromParent();
  const group = figure("#1971c2", 1.2);
  const { x, y, z } = player.position;
  group.position.set(x, y, z);
  group.add(label("tag player", player.name, 2.1));
  world.add(group);
  state.players.set(player.player_id, { group, target: new THREE.Vector3(x, y, z) });
}

function removePlayer(playerId) {
  const player = state.players.get(playerId);
  if (!player) return;
  player.group.traverse((node) => {
    if (node.isCSS2DObject) node.element.remove();
  });
  player.group.removeFromParent();
  state.players.delete(playerId);
}

// -- walking ----------------------------------------------------------------------------------

const KEYS = {
  ArrowUp: [0, -1], KeyW: [0, -1], ArrowDown: [0, 1], KeyS: [0, 1],
  ArrowLeft: [-1, 0], KeyA: [-1, 0], ArrowRight: [1, 0], KeyD: [1, 0],
};
window.addEventListener("keydown", (event) => {
  if (event.target instanceof HTMLInputElement || !(event.code in KEYS)) return;
  state.keys.add(event.code);
  if (state.me) state.me.target = null;
  event.preventDefault();
});
window.addEventListener("keyup", (event) => state.keys.delete(event.code));

const raycaster = new THREE.Raycaster();
const floorPlane = new THREE.Plane(new THREE.Vector3(0, 1, 0), 0);
sceneBox.addEventListener("pointerdown", (event) => {
  if (!state.me) return;
  const box = sceneBox.getBoundingClientRect();
  const pointer = new THREE.Vector2(
    ((event.clientX - box.left) / box.width) * 2 - 1,
    -((event.clientY - box.top) / box.height) * 2 + 1,
  );
  raycaster.setFromCamera(pointer, camera);
  const hit = new THREE.Vector3();
  if (raycaster.ray.intersectPlane(floorPlane, hit)) state.me.target = clampToRoom(hit);
});

function clampToRoom(point) {
  const limit = state.room ? state.room.half_size - 0.5 : 10;
  return new THREE.Vector3(
    Math.min(Math.max(point.x, -limit), limit),
    0,
    Math.min(Math.max(point.z, -limit), limit),
  );
}

function walkToNpc(npcId) {
  const npc = state.npcs.get(npcId);
  if (!npc || !state.me) return;
  state.selectedNpc = npcId;
  const spot = new THREE.Vector3(npc.info.position.x, 0, npc.info.position.z);
  const from = state.me.group.position.clone().sub(spot).setY(0);
  if (from.lengthSq() < 0.01) from.set(0, 0, 1);
  // Stand a little to the side, so the camera behind the player still sees the NPC.
  from.normalize().applyAxisAngle(new THREE.Vector3(0, 1, 0), 0.7);
  spot.add(from.multiplyScalar(Math.min(2, npc.info.radius * 0.65)));
  state.me.target = spot;
  updateTarget();
}

function step(seconds) {
  const me = state.me;
  if (!me) return;
  const position = me.group.position;
  const direction = new THREE.Vector3();
  for (const code of state.keys) {
    direction.x += KEYS[code][0];
    direction.z += KEYS[code][1];
  }
  if (direction.lengthSq() === 0 && me.target) {
    direction.copy(me.target).sub(position).setY(0);
    if (direction.length() < 0.05) {
      me.target = null;
      direction.set(0, 0, 0);
    }
  }
  if (direction.lengthSq() > 0) {
    const distance = Math.min(SPEED * seconds, me.target ? direction.length() : Infinity);
    position.add(direction.normalize().multiplyScalar(distance));
    position.copy(clampToRoom(position));
    state.moved = true;
  }
  const now = performance.now();
  if (state.moved && now - state.lastMoveSent >= MOVE_EVERY_MS) {
    send({ type: "move", x: round(position.x), y: 0, z: round(position.z) });
    state.lastMoveSent = now;
    state.moved = false;
    updateTarget();
  }
  for (const player of state.players.values()) player.group.position.lerp(player.target, 0.2);
  for (const npc of state.npcs.values()) {
    npc.bounce = Math.max(0, npc.bounce - seconds);
    npc.group.position.y = npc.info.position.y + Math.abs(Math.sin(npc.bounce * 8)) * 0.25;
  }
  camera.position.set(position.x, 9, position.z + 11);
  camera.lookAt(position.x, 0.8, position.z);
}

const round = (value) => Math.round(value * 100) / 100;

function nearestNpc() {
  if (!state.me) return null;
  let best = null;
  for (const npc of state.npcs.values()) {
    const distance = Math.hypot(
      npc.info.position.x - state.me.group.position.x,
      npc.info.position.z - state.me.group.position.z,
    );
    if (distance <= npc.info.radius + TALK_EXTRA && (!best || distance < best.distance)) {
      best = { id: npc.info.id, distance };
    }
  }
  return best?.id ?? null;
}

// In a live-translation room (the Fintech Lab) the chat box talks to the room unless a guide
// is close by; elsewhere it talks to the nearest or the chosen guide.
function liveRoom() {
  return Boolean(state.room?.live_translation);
}

function chatTarget() {
  return liveRoom() ? nearestNpc() : (nearestNpc() ?? state.selectedNpc);
}

function updateTarget() {
  const target = chatTarget();
  document.body.dataset.near = nearestNpc() ?? "";
  const text = UI[state.language];
  const npc = target ? state.npcs.get(target) : null;
  const roomChat = !npc && liveRoom();
  $("#chat-target").textContent = npc
    ? text.talkingTo(npc.info.name)
    : roomChat
      ? text.roomChat
      : text.noTarget;
  $("#chat-input").placeholder = roomChat ? text.roomPlaceholder : text.placeholder;
  $("#chat-input-label").textContent = roomChat ? text.roomMessage : text.message;
  $("#chat-send").disabled = !npc && !roomChat;
}

let last = performance.now();
function frame(now) {
  step(Math.min((now - last) / 1000, 0.1));
  last = now;
  renderer?.render(scene, camera);
  labels.render(scene, camera);
  requestAnimationFrame(frame);
}

// -- chat -------------------------------------------------------------------------------------

function logLine(className, text) {
  const item = document.createElement("div");
  item.className = className;
  item.textContent = text;
  $("#chat-log").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function showNpcSay(message) {
  const npc = state.npcs.get(message.npc);
  const name = npc?.info.name ?? message.npc;
  if (npc) {
    npc.bubble.classList.remove("typing");
    npc.bubble.textContent =
      message.text.length > BUBBLE_CHARS ? `${message.text.slice(0, BUBBLE_CHARS)}…` : message.text;
  }
  const item = logLine("npc", message.text);
  const who = document.createElement("b");
  // A human counsellor speaking through the NPC is named as such.
  who.textContent = message.counsellor ? `${name} · 👤 ${message.counsellor}` : name;
  item.prepend(who);
  if (message.card) {
    const card = document.createElement("div");
    card.className = "card";
    card.textContent = [message.card.title, message.card.body].filter(Boolean).join("\n");
    item.append(card);
  }
  if (message.handoff?.phone) item.append(` ☎ ${message.handoff.phone}`);
  for (const button of message.buttons ?? []) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.textContent = button.title;
    chip.addEventListener("click", () => {
      logLine("me", button.title);
      send({ type: "button", npc: message.npc, payload: button.payload });
    });
    item.append(chip);
  }
  if (message.audio_url) item.append(audioPlayer(message.audio_url));
}

// "ko" as "한국어" or "Korean", in the page's language (the browser knows the names).
function languageName(code) {
  try {
    return new Intl.DisplayNames([state.language], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

// A room chat line in our language: who said it, the text, and for a machine translation the
// mark and the original beside it.
function showRoomChat(message) {
  const text = UI[state.language];
  const item = logLine(message.mine ? "me room" : "peer", message.text);
  item.lang = message.language;
  const who = document.createElement("b");
  who.textContent = message.mine ? text.you : message.name;
  item.prepend(who);
  if (message.machine_translation) {
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = text.machine;
    item.append(mark);
    const original = document.createElement("div");
    original.className = "original";
    original.lang = message.original_language;
    const label = document.createElement("span");
    label.textContent = `${text.original(languageName(message.original_language))}: `;
    original.append(label, message.original);
    item.append(original);
  } else if (!message.translated) {
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = text.untranslated;
    item.append(mark);
  }
}

// OGG/Opus first, the server's WAV copy for browsers without Opus; played as it arrives.
function audioPlayer(url) {
  const player = document.createElement("audio");
  player.controls = true;
  player.preload = "auto";
  player.setAttribute("aria-label", UI[state.language].listen);
  for (const [src, type] of [
    [url, "audio/ogg; codecs=opus"],
    [url.replace(/\.ogg$/, ".wav"), "audio/wav"],
  ]) {
    const source = document.createElement("source");
    source.src = src;
    source.type = type;
    player.append(source);
  }
  player.play().catch(() => {}); // a browser that blocks autoplay keeps the controls
  return player;
}

$("#chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("#chat-input");
  const text = input.value.trim();
  const npc = chatTarget();
  if (!text || (!npc && !liveRoom())) return;
  if (npc) {
    logLine("me", text);
    send({ type: "talk", npc, text });
  } else {
    send({ type: "say", text }); // our own line comes back as a room_chat, like everyone's
  }
  input.value = "";
});

// -- settings ---------------------------------------------------------------------------------

function applyLanguage() {
  const text = UI[state.language];
  document.documentElement.lang = state.language;
  document.title = `${text.title} · Haechi World`;
  $("#title").textContent = text.title;
  $("#easy-toggle").textContent = text.easy;
  $("#chat-send").textContent = text.send;
  $("#chat-input").placeholder = text.placeholder;
  $("#chat-input-label").textContent = text.message;
  $("#chat-log").setAttribute("aria-label", text.log);
  $("#scene").setAttribute("aria-label", text.scene);
  $("#help").textContent = state.room ? text.help : text.chooseRoom;
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.language));
  }
  document.body.classList.toggle("easy", state.easy);
  $("#easy-toggle").setAttribute("aria-pressed", String(state.easy));
  updateTarget();
}

for (const button of document.querySelectorAll("[data-lang]")) {
  button.addEventListener("click", () => {
    state.language = button.dataset.lang;
    store("language", state.language);
    send({ type: "settings", language: state.language });
    applyLanguage(); // names in the room follow on the next room_state
  });
}
$("#easy-toggle").addEventListener("click", () => {
  state.easy = !state.easy;
  store("easy", state.easy ? "1" : "0");
  send({ type: "settings", easy_mode: state.easy });
  applyLanguage();
});

function showNotice(key) {
  const notice = $("#notice");
  notice.hidden = !key;
  notice.textContent = key ? UI[state.language][key] : "";
}

function renderRooms() {
  const nav = $("#rooms");
  nav.replaceChildren();
  for (const room of state.rooms) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.room = room.id;
    button.textContent = room.name;
    button.classList.toggle("current", state.room?.room === room.id);
    button.addEventListener("click", () => send({ type: "join", room: room.id }));
    nav.append(button);
  }
}

// -- socket -----------------------------------------------------------------------------------

function send(message) {
  if (state.socket?.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

const handlers = {
  welcome(message) {
    state.token = message.resume_token;
    store("token", state.token);
    state.rooms = message.rooms;
    state.welcomed = true;
    document.body.dataset.state = "ready";
    showNotice(renderer ? null : "noWebgl");
    renderRooms();
  },
  room_state(message) {
    state.room = message;
    buildRoom(message);
    applyLanguage();
  },
  player_joined(message) {
    if (message.player.player_id !== state.playerId) addPlayer(message.player);
  },
  player_left(message) {
    if (message.player_id === state.playerId) {
      clearRoom();
      state.room = null;
    } else {
      removePlayer(message.player_id);
    }
  },
  player_moved(message) {
    state.players.get(message.player_id)?.target.set(message.x, message.y, message.z);
  },
  // Protocol 2: what happened in the room since the last tick, as far as we can see.
  tick(message) {
    if (message.room !== state.room?.room) return; // from a room we already left
    for (const playerId of message.left ?? []) removePlayer(playerId);
    for (const player of message.joined ?? []) {
      if (player.player_id !== state.playerId) addPlayer(player);
    }
    for (const [playerId, x, y, z] of [...(message.in_view ?? []), ...(message.moves ?? [])]) {
      if (playerId !== state.playerId) state.players.get(playerId)?.target.set(x, y, z);
    }
    for (const animation of message.animations ?? []) {
      const npc = state.npcs.get(animation.npc);
      if (npc) npc.bounce = 0.4;
    }
  },
  npc_typing(message) {
    const npc = state.npcs.get(message.npc);
    if (npc) {
      npc.bubble.classList.add("typing");
      npc.bubble.textContent = "…";
    }
  },
  npc_say: showNpcSay,
  room_chat: showRoomChat,
  npc_animation(message) {
    const npc = state.npcs.get(message.npc);
    if (npc) npc.bounce = 0.4;
  },
  pong() {},
  error(message) {
    if (message.code === "session_taken") {
      // Our id is in use without our token: start over as a new visitor.
      state.playerId = crypto.randomUUID().replaceAll("-", "");
      store("player", state.playerId);
      state.token = null;
      hello();
      return;
    }
    logLine("system", message.reason);
  },
};

function hello() {
  send({
    type: "hello",
    protocol: PROTOCOL,
    player_id: state.playerId,
    name: state.name,
    language: state.language,
    easy_mode: state.easy,
    ...(state.token ? { resume_token: state.token } : {}),
  });
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/world`);
  state.socket = socket;
  socket.addEventListener("open", hello);
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    handlers[message.type]?.(message);
  });
  socket.addEventListener("close", (event) => {
    document.body.dataset.state = "disconnected";
    if (event.code === 4001) return; // this player continued in another tab
    showNotice("disconnected");
    setTimeout(connect, 2000);
  });
}

setInterval(() => send({ type: "ping" }), PING_EVERY_MS);
applyLanguage();
resize();
connect();
requestAnimationFrame(frame);
