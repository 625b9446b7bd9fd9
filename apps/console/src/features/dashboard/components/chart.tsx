import { useEffect, useRef, type ReactNode } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One series of a chart: its label and colour. */
export interface ChartSeries {
  label: string;
  color: string;
  /** Bars (the default) or a line. */
  kind?: 'bars' | 'line';
}

/** Props of {@link Chart}. */
export interface ChartProps {
  title: string;
  /** One sentence for screen readers: what the chart shows at a glance. */
  summary: string;
  /** x values: Unix seconds for time charts, indexes for category charts. */
  x: number[];
  series: { spec: ChartSeries; values: number[] }[];
  /** Labels of a category chart's x values (indexes into this list); omitted for time charts. */
  categories?: string[];
  /** The data as a table, for keyboard and screen-reader users and for exact numbers. */
  table: ReactNode;
  height?: number;
}

function canvasSupported(): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

const AXIS = { stroke: '#8a93a6', grid: { stroke: 'rgba(138,147,166,0.2)' }, ticks: { stroke: 'rgba(138,147,166,0.35)' } };

/** The x range: each bar's whole slot, half a step either side of the first and last value, so bars fill the width and none is cut. */
export function xRange(x: readonly number[], categories?: readonly string[]): [number, number] {
  if (categories) return [-0.5, categories.length - 0.5];
  if (x.length === 0) return [0, 1];
  const step = x.length > 1 ? Math.min(...x.slice(1).map((value, i) => value - x[i]!)) : 3600;
  return [x[0]! - step / 2, x[x.length - 1]! + step / 2];
}

/** `label` cut to `chars` characters (at least four), with an ellipsis when cut. */
export function fitLabel(label: string, chars: number): string {
  const max = Math.max(4, Math.floor(chars));
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/** Line dashes by series index: a later line is dashed, so one lying on another still shows. */
const DASHES: (number[] | undefined)[] = [undefined, [6, 5], [2, 4]];

function options(props: ChartProps, width: number): Options {
  const bars = uPlot.paths.bars?.({ size: [0.8, 64] });
  const categories = props.categories;
  const range = xRange(props.x, categories);
  return {
    width,
    height: props.height ?? 220,
    // Labels only: uPlot's live values read "--" until the pointer is over the chart.
    legend: { show: props.series.length > 1, live: false },
    scales: {
      x: { time: !categories, range: (): uPlot.Range.MinMax => range },
      y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
    },
    axes: [
      {
        ...AXIS,
        ...(categories && {
          splits: () => categories.map((_c, i) => i),
          // Names shortened to their slot (about 7 px a character), so neighbours never overlap on a phone.
          values: (u: uPlot, splits: number[]) => splits.map((i) => fitLabel(categories[i] ?? '', u.bbox.width / uPlot.pxRatio / categories.length / 7)),
        }),
      },
      // Counts: whole-number steps only.
      { ...AXIS, size: 44, incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 1e6, 1e7] },
    ],
    series: [
      {},
      ...props.series.map(({ spec }, index) => ({
        label: spec.label,
        stroke: spec.color,
        fill: spec.kind === 'line' ? `${spec.color}22` : `${spec.color}cc`,
        // A line drawn first is wider, so a later one lying on it leaves its edges showing.
        width: spec.kind === 'line' ? Math.max(1.5, 4 - index * 1.5) : 0,
        ...(spec.kind === 'line' && { dash: DASHES[index % DASHES.length] }),
        ...(spec.kind !== 'line' && bars && { paths: bars, points: { show: false } }),
      })),
    ],
  };
}

/**
 * A uPlot chart (canvas) with its data beside it as a table. The canvas is described by `summary`
 * for screen readers; the table gives the exact numbers to everyone.
 */
export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const { x, series } = props;

  useEffect(() => {
    const element = host.current;
    if (!element || !canvasSupported()) return;
    const data: AlignedData = [x, ...series.map((s) => s.values)];
    const plot = new uPlot(options(props, element.clientWidth || 600), data, element);
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      plot.setSize({ width: element.clientWidth, height: props.height ?? 220 });
    });
    resize?.observe(element);
    return () => {
      resize?.disconnect();
      plot.destroy();
    };
    // Rebuilt when the data change; the other props are fixed for a given chart.
  }, [x, series]);

  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={host} className="chart-canvas" role="img" aria-label={props.summary} />
      <details>
        <summary>Show the data</summary>
        {props.table}
      </details>
    </figure>
  );
}
