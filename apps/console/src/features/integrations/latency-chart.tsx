import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Schemas } from '../../api/client';

type Check = Schemas['HealthCheckRecordDto'];

/**
 * Response time of the recent health checks (uPlot, canvas). The canvas is decorative for assistive technology:
 * the same figures are in the summary text beside it.
 */
export function LatencyChart({ checks }: { checks: Check[] }) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // uPlot needs ascending x: order by when each check ended.
  const points = checks.filter((c) => c.latency_ms !== undefined && c.latency_ms !== null).sort((a, b) => Date.parse(a.checked_at) - Date.parse(b.checked_at));
  const xs = points.map((c) => new Date(c.checked_at).getTime() / 1000);
  const ys = points.map((c) => c.latency_ms ?? null);

  useEffect(() => {
    if (!el.current) return;
    const width = Math.max(280, el.current.clientWidth);
    const opts: uPlot.Options = {
      width,
      height: 180,
      legend: { show: false },
      cursor: { show: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.2)] } },
      axes: [{ stroke: '#6b7280', grid: { stroke: '#e5e7eb' } }, { stroke: '#6b7280', grid: { stroke: '#e5e7eb' }, values: (_u, vals) => vals.map((v) => `${v} ms`), size: 60 }],
      series: [{}, { label: 'Response time', stroke: '#2563eb', width: 2, fill: 'rgba(37, 99, 235, 0.08)', points: { show: true, size: 4 } }],
    };
    plot.current = new uPlot(opts, [xs, ys], el.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // Re-created when the number of points changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    plot.current?.setData([xs, ys]);
  });

  const valid = ys.filter((y): y is number => typeof y === 'number');
  const avg = valid.length ? Math.round(valid.reduce((a, b) => a + b, 0) / valid.length) : undefined;
  return (
    <figure className="chart">
      <div ref={el} aria-hidden="true" />
      <figcaption>
        Response time of the last {valid.length} checks{avg !== undefined && `: average ${avg} ms, slowest ${Math.max(...valid)} ms`}.
      </figcaption>
    </figure>
  );
}
