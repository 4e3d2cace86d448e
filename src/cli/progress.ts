import type { ScanEvent } from '../engine/scan.js';
import { formatBytes } from '../layer/limits.js';

/**
 * One status line on a terminal, redrawn at most ten times a second: layers done, cached, bytes
 * read. Silent when the stream is not a TTY, so logs and CI output stay clean.
 */
export class ProgressLine {
  private readonly bytesByLayer = new Map<number, number>();
  private total = 0;
  private layers = 0;
  private done = 0;
  private cached = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly enabled: boolean) {}

  handle = (event: ScanEvent): void => {
    if (!this.enabled) return;
    switch (event.type) {
      case 'resolved':
        this.layers = event.image.layers.length;
        this.total = event.image.layers.reduce((sum, layer) => sum + Math.max(0, layer.size), 0);
        break;
      case 'layer-progress':
        this.bytesByLayer.set(event.layer.index, event.bytes);
        break;
      case 'layer-done':
        this.done++;
        if (event.cached) this.cached++;
        this.bytesByLayer.set(event.layer.index, Math.max(0, event.layer.size));
        break;
      case 'layer-start':
        break;
    }
    this.draw(event.type !== 'layer-progress');
  };

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const read = [...this.bytesByLayer.values()].reduce((sum, bytes) => sum + bytes, 0);
    const size = this.total > 0 ? ` ${formatBytes(read)} / ${formatBytes(this.total)}` : '';
    const cached = this.cached > 0 ? `, ${this.cached} cached` : '';
    this.stream.write(`\r\x1b[2KLayers ${this.done}/${this.layers}${cached}${size}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
  }
}
