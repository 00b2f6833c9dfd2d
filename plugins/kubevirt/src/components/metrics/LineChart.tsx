import {
  MetricPoint,
  MetricSeries,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { useTheme } from '@material-ui/core/styles';
import { formatTime, formatValue } from './format';

const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 4, right: 4, top: 8, bottom: 4 };

export interface ChartLine {
  label: string;
  points: MetricPoint[];
  color: string;
}

/**
 * A time-series chart as plain SVG: one or two lines over a fixed time range,
 * a y-axis from zero to the largest value. No chart library: these are a few
 * dozen points, and SVG renders (and tests) the same in every browser and jsdom.
 */
export const LineChart = ({
  title,
  unit,
  lines,
  start,
  end,
}: {
  title: string;
  unit: MetricSeries['unit'];
  lines: ChartLine[];
  start: number;
  end: number;
}) => {
  const theme = useTheme();
  const max = Math.max(0, ...lines.flatMap(l => l.points.map(p => p.v)));
  // a little headroom; a flat zero line sits at the bottom of a unit-high axis
  const top = max > 0 ? max * 1.1 : 1;
  const x = (t: number) =>
    PAD.left +
    ((t - start) / Math.max(1, end - start)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) =>
    HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
  const path = (points: MetricPoint[]) =>
    points
      .map(
        (p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`,
      )
      .join('');
  const latest = lines.map(l => ({
    label: l.label,
    color: l.color,
    last: l.points.at(-1),
  }));
  const empty = lines.every(l => l.points.length === 0);
  return (
    <figure style={{ margin: 0 }} aria-label={`${title} chart`}>
      <figcaption
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          fontSize: 14,
          marginBottom: 4,
        }}
      >
        <strong>{title}</strong>
        <span>
          {latest.map(l => (
            <span
              key={l.label}
              style={{ color: l.color, marginLeft: 12 }}
              data-testid={`latest-${title}-${l.label}`}
            >
              {lines.length > 1 ? `${l.label} ` : ''}
              {l.last ? formatValue(l.last.v, unit) : '—'}
            </span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        height={HEIGHT}
        role="img"
        aria-label={`${title}, peak ${formatValue(max, unit)}`}
        style={{
          background: theme.palette.background.default,
          borderRadius: 4,
        }}
      >
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={y(0)}
          y2={y(0)}
          stroke={theme.palette.divider}
        />
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={y(max)}
          y2={y(max)}
          stroke={theme.palette.divider}
          strokeDasharray="4 4"
        />
        <text
          x={WIDTH - PAD.right - 2}
          y={Math.max(12, y(max) - 3)}
          textAnchor="end"
          fontSize={11}
          fill={theme.palette.text.secondary}
        >
          {formatValue(max, unit)}
        </text>
        {lines.map(l => (
          <path
            key={l.label}
            d={path(l.points)}
            fill="none"
            stroke={l.color}
            strokeWidth={2}
            data-testid={`line-${title}-${l.label}`}
          />
        ))}
        {empty && (
          <text
            x={WIDTH / 2}
            y={HEIGHT / 2}
            textAnchor="middle"
            fontSize={13}
            fill={theme.palette.text.secondary}
          >
            No data in this range (the VM was not running)
          </text>
        )}
      </svg>
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          fontSize: 11,
          color: theme.palette.text.secondary,
        }}
      >
        <span>{formatTime(start)}</span>
        <span>{formatTime(end)}</span>
      </div>
    </figure>
  );
};
