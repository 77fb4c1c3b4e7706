// Demo page of Orator. It follows the reference integration: this page requests sessions and
// speech from its backend (/api/avatar/*), and the SDK shows the avatar with the session token.
// The backend keeps the KS, which never reaches the page.

const SDK_URL = new URL('sdk/orator-sdk.js', document.baseURI).href;
const API_BASE = new URL('api/avatar/', document.baseURI).href;
/** Maximum number of entries in the event log; older ones are removed. */
const MAX_LOG_ENTRIES = 200;
/** Output level (RMS, 0 to 1) above which the analyser counts as hearing sound. */
const AUDIBLE_LEVEL = 0.002;

/** A long answer for "Stream an answer", sent in chunks as an LLM backend forwards its tokens. */
const STREAMED_ANSWER =
  'Great question. A streamed answer starts speaking before the whole reply exists. ' +
  'The backend forwards each piece of text as the language model produces it, always with the same turn id, ' +
  'and marks the last piece as final. Orator cuts the text into sentences as they complete, ' +
  'synthesizes each one, and sends the audio with its mouth shapes to every viewer. ' +
  'So the first words play while the rest of the answer is still being written, ' +
  'and the lips follow the sound the whole way through.';

const elements = {
  avatarList: byId('avatar-list'),
  catalogStatus: byId('catalog-status'),
  voiceSelect: byId('voice-select'),
  sessionForm: byId('session-form'),
  start: byId('start'),
  end: byId('end'),
  speakForm: byId('speak-form'),
  text: byId('text'),
  textCount: byId('text-count'),
  speak: byId('speak'),
  stream: byId('stream'),
  interrupt: byId('interrupt'),
  container: byId('avatar-container'),
  placeholder: byId('stage-placeholder'),
  audioBanner: byId('audio-banner'),
  unlockAudio: byId('unlock-audio'),
  sessionState: byId('session-state'),
  connectionState: byId('connection-state'),
  speakingState: byId('speaking-state'),
  firstAudio: byId('first-audio'),
  log: byId('event-log'),
  clearLog: byId('clear-log'),
};

/** The page's state; `window.oratorDemo` exposes it to browser tests. */
const demo = {
  /** @type {any} the current KalturaAvatarSession */
  session: undefined,
  sessionId: undefined,
  /** @type {Array<{ id: string; name: string; description: string; thumbnailUrl: string; defaultVoiceId: string }>} */
  avatars: [],
  /** Turn being measured for the time-to-first-audio readout. */
  measurement: undefined,
  /** Set while "Stream an answer" is sending; interrupt or end cancels it. */
  streaming: undefined,
  /** @type {any} the SDK module */
  sdk: undefined,
  log: [],
};
window.oratorDemo = demo;

function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo page is missing #${id}`);
  return element;
}

// Event log

function logEvent(name, detail = '') {
  const time = new Date();
  const stamp = `${time.toLocaleTimeString([], { hour12: false })}.${String(time.getMilliseconds()).padStart(3, '0')}`;
  demo.log.push({ name, detail, at: performance.now() });
  if (demo.log.length > MAX_LOG_ENTRIES) demo.log.shift();

  const item = document.createElement('li');
  item.dataset.event = name;
  const timeElement = document.createElement('time');
  timeElement.textContent = stamp;
  const nameElement = document.createElement('span');
  nameElement.className = 'event-name';
  nameElement.textContent = name;
  item.append(timeElement, nameElement);
  if (detail) {
    const detailElement = document.createElement('span');
    detailElement.className = 'event-detail';
    detailElement.textContent = detail;
    item.append(detailElement);
  }

  elements.log.append(item);
  while (elements.log.childElementCount > MAX_LOG_ENTRIES) elements.log.firstElementChild?.remove();
  elements.log.scrollTop = elements.log.scrollHeight;
}

// Backend calls

/** POST or GET this page's backend; throws an Error with the backend's message on failure. */
async function backend(path, body) {
  const response = await fetch(new URL(path, API_BASE), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  let payload = {};
  try {
    payload = await response.json();
  } catch {
    // A response that is not JSON (a proxy error page) is reported by its status below.
  }
  if (!response.ok) {
    const error = new Error(typeof payload.error === 'string' ? payload.error : `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}

/** Create a turn id the server accepts (letters, digits and ".-_:"), unique enough for one page. */
function newTurnId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

// Catalog

async function loadCatalog() {
  let catalog;
  try {
    catalog = await backend('catalog');
  } catch (error) {
    elements.catalogStatus.textContent = `Could not load the catalog: ${error.message}`;
    elements.catalogStatus.classList.add('error');
    logEvent('error', `catalog: ${error.message}`);
    return;
  }

  demo.avatars = catalog.avatars;
  elements.avatarList.replaceChildren(...catalog.avatars.map((avatar, index) => avatarOption(avatar, index === 0)));

  for (const voice of catalog.voices) {
    const option = document.createElement('option');
    option.value = voice.id;
    option.textContent = `${voice.name} (${voice.language})`;
    elements.voiceSelect.append(option);
  }

  logEvent('catalog', `${catalog.avatars.length} avatars, ${catalog.voices.length} voices`);
  updateControls();
}

function avatarOption(avatar, checked) {
  const label = document.createElement('label');
  label.className = 'avatar-option';
  label.title = avatar.description;

  const input = document.createElement('input');
  input.type = 'radio';
  input.name = 'avatar';
  input.value = avatar.id;
  input.checked = checked;
  input.className = 'visually-hidden';

  const image = document.createElement('img');
  image.src = avatar.thumbnailUrl;
  image.alt = '';
  image.width = 72;
  image.height = 72;
  image.loading = 'lazy';

  const name = document.createElement('span');
  name.textContent = avatar.name;

  label.append(input, image, name);
  return label;
}

function selectedAvatarId() {
  const checked = elements.avatarList.querySelector('input[name="avatar"]:checked');
  return checked ? checked.value : undefined;
}

// Session

async function loadSdk() {
  try {
    demo.sdk = await import(SDK_URL);
  } catch (error) {
    logEvent('error', `the SDK did not load from ${SDK_URL}: build it with "npm run build -w packages/sdk" (${error.message})`);
  }
}

function sessionIsLive() {
  return demo.session !== undefined && demo.session.getSessionState() === 'READY';
}

async function startSession() {
  const avatarId = selectedAvatarId();
  if (!demo.sdk || !avatarId) return;
  elements.start.disabled = true;

  // One session at a time: end the previous one and take its canvas away.
  await stopSession();

  const voiceId = elements.voiceSelect.value || undefined;
  let created;
  try {
    created = await backend('create-session', { avatarId, ...(voiceId ? { voiceId } : {}) });
  } catch (error) {
    logEvent('error', `create-session: ${error.message}`);
    updateControls();
    return;
  }
  demo.sessionId = created.sessionId;
  logEvent('session created', created.sessionId);

  const session = new demo.sdk.KalturaAvatarSession(created.token, { baseUrl: new URL('.', document.baseURI).href.replace(/\/$/, '') });
  demo.session = session;
  wireSessionEvents(session);
  elements.placeholder.hidden = true;
  updateStates();

  try {
    await session.attachAvatar('avatar-container');
    // The SDK labels its canvas "Avatar"; name the avatar for screen readers.
    elements.container.querySelector('canvas')?.setAttribute('aria-label', `${avatarName(avatarId)}, the avatar`);
  } catch (error) {
    logEvent('error', `attachAvatar: ${error.message}`);
  }
  updateControls();
}

async function stopSession() {
  const session = demo.session;
  cancelStreaming();
  if (!session) return;

  if (session.getSessionState() !== 'ENDED') await session.endSession();
  session.detachAvatar();
}

function avatarName(avatarId) {
  return demo.avatars.find((avatar) => avatar.id === avatarId)?.name ?? avatarId;
}

function wireSessionEvents(session) {
  const current = () => demo.session === session;

  session.on('stateChange', (state, previous) => {
    if (!current()) return;
    logEvent('stateChange', `${previous} → ${state}`);
    updateStates();
    updateControls();
  });
  session.on('connectionChange', (state, previous) => {
    if (!current()) return;
    logEvent('connectionChange', `${previous} → ${state}`);
    updateStates();
  });
  session.on('speakingStart', (event) => {
    if (!current()) return;
    logEvent('speakingStart', event.turnId);
    elements.speakingState.textContent = 'yes';
    markMeasurement(event.turnId, 'speakingAt');
  });
  session.on('speakingEnd', (event) => {
    if (!current()) return;
    logEvent('speakingEnd', event.turnId ?? '');
    elements.speakingState.textContent = 'no';
  });
  session.on('turnStart', (event) => {
    if (!current()) return;
    logEvent('turnStart', `${event.turnId} (#${event.turnNumber})`);
    markMeasurement(event.turnId, 'speakingAt');
  });
  session.on('turnEnd', (event) => {
    if (!current()) return;
    logEvent('turnEnd', `${event.turnId}: ${event.reason}, ${Math.round(event.durationMs)} ms of audio`);
  });
  session.on('viseme', (event) => {
    // The first viseme of a turn on the playback clock is the moment its audio starts playing.
    if (current() && event.turnId !== undefined) markMeasurement(event.turnId, 'audioAt');
  });
  session.on('audioBlocked', () => {
    if (!current()) return;
    logEvent('audioBlocked', 'click anywhere or press "Enable sound"');
    elements.audioBanner.hidden = false;
  });
  session.on('audioUnlocked', () => {
    if (!current()) return;
    logEvent('audioUnlocked');
    elements.audioBanner.hidden = true;
  });
  session.on('error', (error) => {
    if (!current()) return;
    logEvent('error', error.code ? `${error.code}: ${error.message}` : error.message);
  });
}

function updateStates() {
  const session = demo.session;
  const sessionState = session ? session.getSessionState() : 'IDLE';
  const connectionState = session ? session.getConnectionState() : 'DISCONNECTED';
  elements.sessionState.textContent = sessionState;
  elements.sessionState.dataset.state = sessionState;
  elements.connectionState.textContent = connectionState;
  elements.connectionState.dataset.state = connectionState;
  if (sessionState === 'ENDED') elements.speakingState.textContent = 'no';
}

function updateControls() {
  const live = sessionIsLive();
  elements.start.disabled = !demo.sdk || !selectedAvatarId();
  elements.start.textContent = live ? 'Restart session' : 'Start session';
  elements.end.disabled = !live;
  elements.speak.disabled = !live;
  elements.stream.disabled = !live || demo.streaming !== undefined;
  elements.interrupt.disabled = !live;
}

// Time to first audio

function startMeasurement(turnId) {
  demo.measurement = { turnId, clickAt: performance.now(), speakingAt: undefined, audioAt: undefined, audibleAt: undefined };
  elements.firstAudio.textContent = 'waiting…';
  watchAudible(demo.measurement);
}

function markMeasurement(turnId, field) {
  const measurement = demo.measurement;
  if (!measurement || measurement.turnId !== turnId || measurement[field] !== undefined) return;
  measurement[field] = performance.now();
  showMeasurement();
}

/** Poll the SDK's output analyser each frame until the turn is heard, for at most 30 s. */
function watchAudible(measurement) {
  const deadline = measurement.clickAt + 30_000;
  const check = () => {
    if (demo.measurement !== measurement || measurement.audibleAt !== undefined) return;
    const level = demo.session?.debug?.outputLevel?.() ?? 0;
    if (measurement.audioAt !== undefined && level > AUDIBLE_LEVEL) {
      measurement.audibleAt = performance.now();
      showMeasurement();
      return;
    }
    if (performance.now() < deadline) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

function showMeasurement() {
  const m = demo.measurement;
  if (!m) return;
  const since = (time) => `${Math.round(time - m.clickAt)} ms`;
  const parts = [];
  if (m.audioAt !== undefined) parts.push(`${since(m.audioAt)} to playback`);
  if (m.audibleAt !== undefined) parts.push(`${since(m.audibleAt)} to sound at the output`);
  if (m.speakingAt !== undefined) parts.push(`server began speaking ${since(m.speakingAt)} after the request`);
  if (demo.session?.debug?.audioBlocked) parts.push('sound blocked');
  elements.firstAudio.textContent = parts.length > 0 ? parts.join(' · ') : 'waiting…';
}

// Speaking

async function speak() {
  const text = elements.text.value;
  if (!sessionIsLive()) return;
  if (text.trim() === '') {
    logEvent('say-text', 'type some text first');
    elements.text.focus();
    return;
  }

  const turnId = newTurnId('say');
  startMeasurement(turnId);
  try {
    await backend('say-text', { sessionId: demo.sessionId, text, turnId });
    logEvent('say-text', `${turnId}: ${text.length} characters`);
  } catch (error) {
    logEvent('error', `say-text: ${error.message}`);
  }
}

/**
 * Send STREAMED_ANSWER in chunks of 3 to 14 characters, cut anywhere (mid-word too), with one
 * turn id, isFinal on the last chunk and 20 to 140 ms between chunks, like LLM token output.
 */
async function streamAnswer() {
  if (!sessionIsLive() || demo.streaming) return;

  const turnId = newTurnId('stream');
  const run = { turnId, cancelled: false };
  demo.streaming = run;
  updateControls();
  startMeasurement(turnId);

  const chunks = splitIntoChunks(STREAMED_ANSWER);
  logEvent('stream', `${turnId}: ${chunks.length} chunks`);
  try {
    for (const [index, text] of chunks.entries()) {
      if (run.cancelled) break;
      const isFinal = index === chunks.length - 1;
      await backend('say-text', { sessionId: demo.sessionId, text, turnId, isFinal });
      if (!isFinal) await sleep(20 + Math.random() * 120);
    }
    if (!run.cancelled) logEvent('stream sent', turnId);
  } catch (error) {
    logEvent('error', `stream: ${error.message}`);
  } finally {
    if (demo.streaming === run) demo.streaming = undefined;
    updateControls();
  }
}

function splitIntoChunks(text) {
  const chunks = [];
  for (let index = 0; index < text.length;) {
    const size = 3 + Math.floor(Math.random() * 12);
    chunks.push(text.slice(index, index + size));
    index += size;
  }
  return chunks;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function cancelStreaming() {
  if (demo.streaming) demo.streaming.cancelled = true;
  demo.streaming = undefined;
}

async function interrupt() {
  if (!sessionIsLive()) return;
  cancelStreaming();
  updateControls();
  try {
    const result = await demo.session.interrupt();
    const dropped = result.droppedTurnIds.length;
    logEvent(
      'interrupt',
      `${result.interruptedTurn?.turnId ?? 'nothing speaking'}; ${dropped} queued turn${dropped === 1 ? '' : 's'} dropped`,
    );
  } catch (error) {
    logEvent('error', `interrupt: ${error.message}`);
  }
}

async function endSession() {
  if (!demo.session) return;
  cancelStreaming();
  try {
    await demo.session.endSession();
    logEvent('session ended', demo.sessionId ?? '');
  } catch (error) {
    logEvent('error', `end: ${error.message}`);
  }
  updateStates();
  updateControls();
}

// Wiring

function updateTextCount() {
  elements.textCount.textContent = String(elements.text.value.length);
}

elements.sessionForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void startSession();
});
elements.avatarList.addEventListener('change', updateControls);
elements.end.addEventListener('click', () => void endSession());
elements.speakForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void speak();
});
elements.stream.addEventListener('click', () => void streamAnswer());
elements.interrupt.addEventListener('click', () => void interrupt());
elements.unlockAudio.addEventListener('click', () => void demo.session?.unlockAudio());
elements.clearLog.addEventListener('click', () => {
  elements.log.replaceChildren();
  demo.log.length = 0;
});
elements.text.addEventListener('input', updateTextCount);
window.addEventListener('pagehide', () => {
  // Best effort: free the server-side session when the tab goes away.
  if (sessionIsLive()) void demo.session.endSession();
});

/**
 * Apply `?avatar=ID` (preselect an avatar) and `?autostart` (start a session on load). A session
 * started without a click usually has its sound blocked until the first interaction.
 */
function applyUrlOptions() {
  const params = new URLSearchParams(location.search);
  const avatarId = params.get('avatar');
  if (avatarId) {
    const input = [...elements.avatarList.querySelectorAll('input[name="avatar"]')].find((candidate) => candidate.value === avatarId);
    if (input) input.checked = true;
    else logEvent('error', `?avatar=${avatarId} is not in the catalog`);
  }
  updateControls();
  if (params.has('autostart')) void startSession();
}

updateTextCount();
await Promise.all([loadSdk(), loadCatalog()]);
logEvent('page ready');
applyUrlOptions();
demo.ready = true;
