// The relay's address: ?relay=… (the e2e tests pass their own), else the demo default.
const relay = new URLSearchParams(location.search).get('relay') || 'http://127.0.0.1:8787';
// The client starts from its IndexedDB cache before the network answers, so after one online
// visit the flags evaluate with no network at all; it catches up when the network returns.
const client = Flagcast.createFlagClient({ url: relay });
const user = { id: 'user-42', context: { plan: 'pro' } };
const $ = (id) => document.getElementById(id);

function age(ms) {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function render() {
  const state = client.getState();
  const offline = !navigator.onLine || state.connection === 'offline';
  $('network').textContent = offline ? 'offline' : 'online';
  $('network').dataset.offline = String(offline);
  $('age').textContent = state.updatedAt
    ? `${offline ? 'using flags saved' : 'flags updated'} ${age(state.updatedAt)} ago`
    : offline
      ? 'no saved flags yet'
      : '';
  $('status').textContent = state.status;
  $('connection').textContent = state.connection;
  $('source').textContent = state.source;
  $('digest').textContent = state.digest ? state.digest.slice(0, 12) : '–';
  $('banner').hidden = !client.getBoolean('welcome-banner', false, user.id, user.context);
  let accent = { key: 'none', color: '#64748b' };
  try {
    const result = client.evaluateVariant({ flagKey: 'accent', entityId: user.id, context: user.context });
    accent = { key: result.variantKey || 'none', color: JSON.parse(result.variantAttachment || 'null')?.color || accent.color };
  } catch {
    // Not ready yet, or the flag is missing: keep the neutral accent.
  }
  $('accent').textContent = accent.key;
  document.documentElement.style.setProperty('--accent', accent.color);
}

client.subscribe(render);
addEventListener('online', render);
addEventListener('offline', render);
setInterval(render, 10_000); // keep the age current
render();

if ('serviceWorker' in navigator) navigator.serviceWorker.register('./sw.js');
