/** @jsxImportSource hono/jsx */
// Small server-rendered SVG charts: no script, no inline style (the console's CSP allows neither),
// colours by class from the console's stylesheet.
import type { FunnelDay } from '../repositories/views';
import type { T } from './i18n';
import { dayLabel } from './format';

export function FunnelChart({ days, t }: { days: FunnelDay[]; t: T }) {
  const sum = (k: keyof FunnelDay) => days.reduce((n, d) => n + d[k], 0);
  const stages: Array<[string, number]> = [
    [t('started'), sum('started')], [t('billingBound'), sum('billing')], [t('workspaceBound'), sum('workspace')], [t('activated'), sum('activated')],
  ];
  const top = Math.max(1, stages[0]![1]);
  const W = 560, rowH = 34, labelW = 190;
  return (
    <svg class="chart funnel" role="img" aria-label={t('funnel')} viewBox={`0 0 ${W} ${stages.length * rowH + 8}`} width={W} height={stages.length * rowH + 8}>
      <title>{t('funnel')}</title>
      {stages.map(([label, n], i) => {
        const w = Math.max(2, Math.round(((W - labelW - 110) * n) / top));
        const y = 4 + i * rowH;
        return (
          <g>
            <text x={0} y={y + 20} class="label">{label}</text>
            <rect x={labelW} y={y + 4} width={w} height={rowH - 10} rx={3} class={`bar stage${i}`} />
            <text x={labelW + w + 8} y={y + 20} class="value">{`${n} · ${Math.round((100 * n) / top)}%`}</text>
          </g>
        );
      })}
    </svg>
  );
}

export function DailyChart({ days, t }: { days: FunnelDay[]; t: T }) {
  const W = 640, H = 160, pad = 24;
  const top = Math.max(1, ...days.map((d) => d.started));
  const slot = (W - pad) / Math.max(1, days.length);
  const bw = Math.max(2, slot * 0.7);
  const h = (n: number) => Math.round(((H - pad - 8) * n) / top);
  return (
    <svg class="chart daily" role="img" aria-label={t('daily')} viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
      <title>{t('daily')}</title>
      <line x1={pad} y1={H - pad} x2={W} y2={H - pad} class="axis" />
      <text x={0} y={12} class="value">{String(top)}</text>
      {days.map((d, i) => {
        const x = pad + i * slot + (slot - bw) / 2;
        return (
          <g>
            <rect x={x} y={H - pad - h(d.started)} width={bw} height={h(d.started)} class="bar started"><title>{`${dayLabel(d.day)}: ${t('started')} ${d.started}, ${t('activated')} ${d.activated}`}</title></rect>
            <rect x={x} y={H - pad - h(d.activated)} width={bw} height={h(d.activated)} class="bar activated" />
          </g>
        );
      })}
      {days.length > 0 && <text x={pad} y={H - 6} class="label">{dayLabel(days[0]!.day)}</text>}
      {days.length > 1 && <text x={W - 70} y={H - 6} class="label">{dayLabel(days[days.length - 1]!.day)}</text>}
    </svg>
  );
}
