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

function options(props: ChartProps, width: number): Options {
  const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
  const categories = props.categories;
  return {
    width,
    height: props.height ?? 220,
    legend: { show: props.series.length > 1 },
    scales: { x: categories ? { time: false, range: (): uPlot.Range.MinMax => [-0.5, categories.length - 0.5] } : { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
    axes: [
      {
        ...AXIS,
        ...(categories && { values: (_u: uPlot, splits: number[]) => splits.map((i) => (Number.isInteger(i) ? (categories[i] ?? '') : '')) }),
      },
      { ...AXIS, size: 44 },
    ],
    series: [
      {},
      ...props.series.map(({ spec }) => ({
        label: spec.label,
        stroke: spec.color,
        fill: spec.kind === 'line' ? `${spec.color}33` : `${spec.color}cc`,
        width: spec.kind === 'line' ? 2 : 0,
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
