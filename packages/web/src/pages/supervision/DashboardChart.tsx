import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';

// The same setup as the screening reports' charts (screening/results/EChart.tsx): SVG, crisp when
// printed; plus line (trend), heatmap (the tile map of districts) and clicks.
echarts.use([BarChart, HeatmapChart, LineChart, GridComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

export type DashboardChartOption = ComposeOption<BarSeriesOption | HeatmapSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption>;

/** One chart per element, options replaced on change, resized with its box; `onClick` gets the clicked item's data. */
export function DashboardChart({ option, height = 260, testId, onClick }: { option: DashboardChartOption; height?: number; testId?: string; onClick?: (data: unknown) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p.data));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={el} className="xy-chart xy-dash-chart" style={{ width: '100%', height, cursor: onClick ? 'pointer' : undefined }} data-testid={testId} />;
}
