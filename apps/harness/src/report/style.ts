/**
 * The report's look, inline so the page needs nothing but itself. The timeline colours
 * are the article's: red for waiting on I/O, blue for the CPU at work.
 */

export const colours = {
  queued: '#c9ced6',
  waiting: '#d1495b',
  receiving: '#7fa7d6',
  running: '#8d99ae',
  busy: '#2e6fb7',
  helpers: '#6c8ebf',
  late: '#e07b00',
  failed: '#e0a100',
  lost: '#6b6b6b',
  bar: '#9aabbd',
  fastest: '#2a9d6f',
  differs: '#b3261e',
  ink: '#1f2328',
  muted: '#5b6470',
  grid: '#e3e7ec',
  lane: '#f3f5f8',
} as const;

/** Colours for one line per strategy in the sweep charts (Okabe and Ito's, safe for colour blindness). */
export const seriesColours = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
  '#8c8c8c',
] as const;

/** The charts' own rules: the page's, and a standalone SVG file's, which has no page around it. */
export const svgRules = `
svg { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
svg text { font-size: 12px; fill: ${colours.ink}; }
svg .muted { fill: ${colours.muted}; }
svg .note { fill: ${colours.muted}; font-style: italic; }
svg .grid { stroke: ${colours.grid}; stroke-width: 1; }
svg .axis { stroke: ${colours.muted}; stroke-width: 1; fill: none; }
svg .bar { fill: ${colours.bar}; }
svg .bar.fastest { fill: ${colours.fastest}; }
svg .bar.differs { fill: ${colours.differs}; opacity: .55; }
svg .whisker, svg .interval { stroke: ${colours.ink}; stroke-width: 1.2; fill: none; }
svg .run { fill: ${colours.ink}; fill-opacity: .55; }
svg .point { fill: ${colours.bar}; stroke: ${colours.ink}; stroke-width: 1; }
svg .point.fastest { fill: ${colours.fastest}; }
svg .ceiling { stroke: ${colours.differs}; stroke-width: 1.2; stroke-dasharray: 4 3; }
svg .fastest-label { fill: ${colours.fastest}; font-weight: 700; }
svg .differs-label { fill: ${colours.differs}; font-weight: 700; }
svg .lane { fill: ${colours.lane}; }
svg .queued { fill: ${colours.queued}; }
svg .waiting { fill: ${colours.waiting}; }
svg .receiving { fill: ${colours.receiving}; }
svg .running { fill: ${colours.running}; }
svg .failed { fill: ${colours.failed}; }
svg .lost { fill: ${colours.lost}; }
svg path.busy { fill: ${colours.busy}; }
svg path.helpers { fill: ${colours.helpers}; }
svg path.late { fill: ${colours.late}; }
svg .strip-ground { fill: #fff; }
svg .task rect { stroke: #fff; stroke-width: .5; }
svg .thin .task rect { stroke: none; }
svg .series { fill: none; stroke-width: 2; }
`;

export const stylesheet = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 24px 28px 48px; max-width: 1040px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: ${colours.ink}; background: #fff;
}
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 4px; padding-top: 12px; border-top: 1px solid ${colours.grid}; }
h3 { font-size: 16px; margin: 24px 0 4px; }
p { margin: 4px 0 10px; }
.lead { color: ${colours.muted}; margin-bottom: 12px; }
.environment { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 12px 0 0; padding: 0; }
.environment div { display: flex; gap: 6px; }
.environment dt { color: ${colours.muted}; }
.environment dd { margin: 0; font-weight: 600; }
figure { margin: 12px 0 22px; }
/* Charts keep their text readable on a narrow screen: they scroll sideways rather than shrink. */
figure.chart { overflow-x: auto; }
figure.chart svg { min-width: 900px; }
.zoom-note { color: ${colours.muted}; font-size: 14px; font-style: italic; margin: 10px 0 4px; }
.table { overflow-x: auto; margin: 6px 0 12px; }
table { border-collapse: collapse; font-size: 13px; white-space: nowrap; }
th, td { padding: 3px 10px; border-bottom: 1px solid ${colours.grid}; text-align: right; }
thead th { color: ${colours.muted}; font-weight: 600; }
tbody th { text-align: left; font-weight: 600; }
td.fastest { color: ${colours.fastest}; font-weight: 700; }
td.ok { color: ${colours.fastest}; }
td.differs { color: ${colours.differs}; font-weight: 700; }
h4 { font-size: 14px; margin: 14px 0 4px; }
.warnings { border-left: 4px solid ${colours.failed}; padding: 2px 12px; margin: 10px 0; }
.warnings .problem { color: ${colours.differs}; }
figcaption { color: ${colours.muted}; font-size: 14px; margin-bottom: 6px; }
figcaption strong { color: ${colours.ink}; }
svg { display: block; max-width: 100%; height: auto; overflow: visible; }
${svgRules}
.legend { display: flex; flex-wrap: wrap; gap: 6px 22px; font-size: 14px; margin: 8px 0 4px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 22px; height: 12px; border-radius: 2px; }
.empty { color: ${colours.muted}; font-style: italic; }
.failures { border-left: 4px solid ${colours.failed}; padding: 2px 12px; margin: 10px 0; }
.interrupted { border-left: 4px solid ${colours.failed}; padding: 2px 12px; }
`;
