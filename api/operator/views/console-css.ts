// The console's one stylesheet, served from /operator/assets/console.css (the CSP allows styles
// from the console's own origin only: no inline style, no style attribute).
export const CONSOLE_CSS = `
:root { color-scheme: light; --fg: #1d2433; --muted: #5b6478; --line: #dde2ea; --accent: #2f6fde; --bad: #c23b31; --ok: #2d8a4e; --warn: #b7791f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: #f6f7fa; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
header nav { display: flex; flex-wrap: wrap; gap: 4px; }
header nav a { padding: 4px 8px; border-radius: 4px; color: var(--fg); text-decoration: none; }
header nav a.current, header nav a:hover { background: #e8effc; color: var(--accent); }
.spacer { flex: 1; }
.sign-out { display: flex; gap: 8px; align-items: center; margin: 0; }
main { padding: 16px; max-width: 1400px; }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f0f2f6; font-weight: 600; white-space: nowrap; }
tr.failed td { background: #fff5f4; }
td.empty { color: var(--muted); text-align: center; padding: 16px; }
code { font: 12px/1.3 ui-monospace, monospace; word-break: break-all; }
small { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--fg); }
button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
form.inline { display: flex; gap: 4px; }
.pager { display: flex; gap: 16px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; background: #eef0f4; }
.badge.active, .badge.proof-marketplace, .badge.proof-alibaba-sign-in { background: #e3f4e9; color: var(--ok); }
.badge.expired, .badge.proof-none { background: #fdf1dc; color: var(--warn); }
.badge.released { background: #f3e3e2; color: var(--bad); }
.ws { display: block; }
.sign-in { display: flex; flex-wrap: wrap; gap: 24px; }
.sign-in form { display: flex; flex-direction: column; gap: 8px; padding: 16px; background: #fff; border: 1px solid var(--line); border-radius: 6px; min-width: 280px; }
.sign-in h2 { margin: 0; }
.problem { color: var(--bad); font-weight: 600; }
.notice, .note { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; padding: 12px; border: 1px solid var(--line); }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 16px; }
.actions form { display: flex; flex-direction: column; gap: 8px; padding: 12px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
.question { font-size: 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; margin-bottom: 16px; }
figure { margin: 0; padding: 12px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-weight: 600; margin-bottom: 8px; }
.chart text { font-size: 12px; fill: var(--fg); }
.chart .axis { stroke: var(--line); }
.chart .bar.stage0 { fill: #9db8ee; } .chart .bar.stage1 { fill: #6f97e6; } .chart .bar.stage2 { fill: #4479de; } .chart .bar.stage3 { fill: #2d8a4e; }
.chart .bar.started { fill: #c9d7f5; } .chart .bar.activated { fill: #2d8a4e; }
`;
