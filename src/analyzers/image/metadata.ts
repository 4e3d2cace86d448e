import type { ImageAnalyzer } from '../../core/analyzer.js';

export interface HistoryStep {
  /** Position in the config's history list. */
  index: number;
  created?: string | undefined;
  createdBy: string;
  comment?: string | undefined;
  emptyLayer: boolean;
  /** The layer this step produced, or undefined for steps that changed only the config. */
  layerIndex?: number | undefined;
  diffId?: string | undefined;
}

export interface Healthcheck {
  test: string[];
  intervalSeconds?: number | undefined;
  timeoutSeconds?: number | undefined;
  startPeriodSeconds?: number | undefined;
  retries?: number | undefined;
}

export interface ImageMetadata {
  architecture: string;
  os: string;
  variant?: string | undefined;
  created?: string | undefined;
  author?: string | undefined;
  user: string;
  env: Array<{ name: string; value: string }>;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal?: string | undefined;
  /** Absent when the image sets none; `test: ["NONE"]` when it turns the parent's off. */
  healthcheck?: Healthcheck | undefined;
  history: HistoryStep[];
}

const NANOS_PER_SECOND = 1e9;

/** The configuration as users read it, history steps paired with the layers they produced. */
export const imageMetadataAnalyzer: ImageAnalyzer<ImageMetadata> = {
  name: 'image/metadata',
  version: 1,
  analyze({ config, layers }) {
    const runtime = config.config ?? {};
    let layerCursor = 0;
    // Steps pair with layers in order only when the counts agree; otherwise a guess would mislead.
    const steps = config.history ?? [];
    const pairable = steps.filter((step) => step.empty_layer !== true).length === layers.length;
    const history: HistoryStep[] = steps.map((step, index) => {
      const emptyLayer = step.empty_layer === true;
      const layer = emptyLayer || !pairable ? undefined : layers[layerCursor++];
      return {
        index,
        created: step.created,
        createdBy: step.created_by ?? '',
        comment: step.comment,
        emptyLayer,
        layerIndex: layer?.index,
        diffId: layer?.diffId,
      };
    });
    const healthcheck = runtime.Healthcheck?.Test
      ? {
          test: runtime.Healthcheck.Test,
          intervalSeconds: seconds(runtime.Healthcheck.Interval),
          timeoutSeconds: seconds(runtime.Healthcheck.Timeout),
          startPeriodSeconds: seconds(runtime.Healthcheck.StartPeriod),
          retries: runtime.Healthcheck.Retries ?? undefined,
        }
      : undefined;
    return {
      architecture: config.architecture,
      os: config.os,
      variant: config.variant,
      created: config.created,
      author: config.author,
      user: runtime.User ?? '',
      env: (runtime.Env ?? []).map(splitEnv),
      entrypoint: runtime.Entrypoint ?? [],
      cmd: runtime.Cmd ?? [],
      workingDir: runtime.WorkingDir ?? '',
      exposedPorts: Object.keys(runtime.ExposedPorts ?? {}).sort(),
      volumes: Object.keys(runtime.Volumes ?? {}).sort(),
      labels: runtime.Labels ?? {},
      stopSignal: runtime.StopSignal ?? undefined,
      healthcheck,
      history,
    };
  },
};

function splitEnv(entry: string): { name: string; value: string } {
  const equals = entry.indexOf('=');
  return equals < 0 ? { name: entry, value: '' } : { name: entry.slice(0, equals), value: entry.slice(equals + 1) };
}

function seconds(nanos: number | null | undefined): number | undefined {
  return nanos === null || nanos === undefined ? undefined : nanos / NANOS_PER_SECOND;
}
