/** Where emissions go: the MQTT broker, or stdout for a dry run. The runner depends only on this. */
import { toJsonLine, type Emission } from '../generate/emission.ts';

export interface PublishStats {
  sent: number;
  /** QoS 1 acknowledgements received (PUBACK); equal to `sent` for a dry run. */
  acked: number;
  failed: number;
}

export interface Publisher {
  /** Sends one emission with its wire timestamp. May wait (back-pressure, a device reconnecting). */
  publish(e: Emission, ts: number): void | Promise<void>;
  stats(): PublishStats;
  /** Resolves once every message sent is acknowledged, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** A clean shutdown: devices disconnect properly, so the broker publishes no last wills. */
  close(): Promise<void>;
}

/** `--dry-run`: one JSON line per emission; nothing is published. */
export class LinePublisher implements Publisher {
  private sent = 0;
  constructor(private readonly write: (line: string) => void) {}

  publish(e: Emission, ts: number): void {
    this.write(`${toJsonLine(e, ts)}\n`);
    this.sent++;
  }

  stats(): PublishStats {
    return { sent: this.sent, acked: this.sent, failed: 0 };
  }

  async drain(): Promise<void> {}
  async close(): Promise<void> {}
}
