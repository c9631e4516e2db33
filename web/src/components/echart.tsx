import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';

// Only what the overview draws: this keeps ECharts' share of the bundle to a fraction.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

interface EChartProps {
  option: ChartOption;
  /** How many days or categories the option draws (data-points; 0 means nothing to draw). */
  points: number;
  testId: string;
  /** A text summary for screen readers; the canvas itself says nothing. */
  label: string;
  height?: number;
}

/**
 * One ECharts canvas that follows its container's size. Marks itself data-rendered="true" once
 * ECharts has drawn an option with at least one point.
 */
export function EChart({ option, points, testId, label, height = 300 }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [drawn, setDrawn] = useState(0);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    instance.setOption(option, { notMerge: true });
    setDrawn(points);
  }, [option, points]);

  return (
    <div
      ref={container}
      className="chart"
      style={{ height }}
      data-testid={testId}
      data-rendered={drawn > 0 ? 'true' : 'false'}
      data-points={drawn}
      role="img"
      aria-label={label}
    />
  );
}
