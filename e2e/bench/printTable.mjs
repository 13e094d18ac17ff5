// The browser bench's table: medians per mode, the ratio to Flipt's SDK, the issue's targets.

/** The issue's bounds: first flag within one RTT plus this after the library loaded… */
const FIRST_VISIT_SLACK_MS = 40;
/** …at least this many times sooner than Flipt's SDK; from the cache within one frame; */
const FASTER_THAN_FLIPT = 2;
const RETURN_VISIT_MS = 16;
/** and the request out within "a few" ms of createFlagClient. */
const REQUEST_LEAVES_MS = 5;

const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : value.toFixed(0)) : 'n/a');
const pad = (text, width) => text + ' '.repeat(Math.max(0, width - text.length));

/** The figures of one run (see measureVisit.mjs), in ms. */
function figuresOf({ first, back }) {
  return {
    navToFlag: first.marks.first,
    loadToFlag: first.marks.first - first.marks.loaded,
    loadToRequest: first.request ? first.request.sent - first.marks.loaded : NaN,
    createToRequest: first.request ? first.request.sent - first.marks.created : NaN,
    returnLoadToFlag: back.marks.first - back.marks.loaded,
  };
}

/**
 * Prints one row per figure, one column per mode (the last mode is Flipt's SDK, the reference
 * of the ratios), and the target with whether each Flagcast mode's median meets it.
 */
export function printTable(modes, samples, rttMs) {
  const medians = modes.map((mode) => {
    const figures = samples[mode.name].map(figuresOf);
    return Object.fromEntries(Object.keys(figures[0]).map((key) => [key, median(figures.map((f) => f[key]))]));
  });
  const flipt = medians[medians.length - 1];
  const firstBound = rttMs + FIRST_VISIT_SLACK_MS;
  const rows = [
    ['first visit: navigation start → first flag', 'navToFlag', '—', () => true],
    ['first visit: library loaded → first flag', 'loadToFlag', `≤ ${firstBound} (1 RTT + ${FIRST_VISIT_SLACK_MS}) and ≥ ${FASTER_THAN_FLIPT}× faster than Flipt`, (v) => v <= firstBound && flipt.loadToFlag / v >= FASTER_THAN_FLIPT],
    ['first visit: library loaded → request leaves', 'loadToRequest', '—', () => true],
    ['first visit: createFlagClient → request leaves', 'createToRequest', `≤ ${REQUEST_LEAVES_MS} (a few ms)`, (v) => v <= REQUEST_LEAVES_MS],
    ['return visit: library loaded → first flag', 'returnLoadToFlag', `≤ ${RETURN_VISIT_MS}`, (v) => v <= RETURN_VISIT_MS],
  ];
  const header = ['median of ' + samples[modes[0].name].length + ' runs, ms (Flipt ÷ this)', ...modes.map((m) => m.name), 'target', 'met'];
  const lines = rows.map(([label, key, target, meets]) => [
    label,
    ...medians.map((m, i) => (i === medians.length - 1 ? ms(m[key]) : `${ms(m[key])} (${(flipt[key] / m[key]).toFixed(1)}×)`)),
    target,
    target === '—' ? '' : medians.slice(0, -1).map((m) => (meets(m[key]) ? 'yes' : 'no')).join(' / '),
  ]);
  const widths = header.map((_, col) => Math.max(...[header, ...lines].map((line) => line[col].length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, col) => pad(cell, widths[col])).join('  ').trimEnd());

  const firstRequests = modes.map((mode) => {
    const r = samples[mode.name][0].first.request;
    return `${mode.name}: ${r ? `${r.method} ${r.path}` : 'none seen'}`;
  });
  console.log(`first request to the relay — ${firstRequests.join('; ')}`);
  const sources = modes.map((mode) => `${mode.name}: ${[...new Set(samples[mode.name].map((s) => s.back.marks.source))].join('/')}`);
  console.log(`return visit's first flag from — ${sources.join('; ')}`);
  console.log(`"met" is for the Flagcast columns, left to right (shared / own).`);
}
