/** What the camera service needs from the outside: the cameras themselves, and a place for the stills. */
import type { CameraSnapshot } from '../../../contract/index.ts';

/** A camera that did not give a usable image; `message` is worded for the officer. */
export class CameraError extends Error {
  override readonly name = 'CameraError';
}

/** An MJPEG stream as the camera sends it: passed through to the browser unchanged. */
export interface LiveStream {
  /** `multipart/x-mixed-replace; boundary=…` */
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

export interface CameraPort {
  /** One JPEG still; rejects with a CameraError (timeout, refused, too large, not a JPEG, refused credentials). */
  snapshot(cameraId: string): Promise<Buffer>;
  /** The camera's MJPEG stream until `signal` aborts; rejects with a CameraError when it has none or it fails. */
  stream(cameraId: string, signal: AbortSignal): Promise<LiveStream>;
}

/** One still as it is kept: the image, or why there is none. */
export interface NewSnapshot {
  alarmId: string;
  cameraId: string;
  shot: number;
  takenAt: number;
  image: Buffer | null;
  sha256: string | null;
  error: string | null;
}

/** A still as the store gives it back (without camera names: the service adds them). */
export type StoredSnapshot = Omit<CameraSnapshot, 'cameraName' | 'cameraNameZh' | 'simulated'>;

/** Stills with their alarm; the image files beside the database. */
export interface SnapshotStore {
  /** Stores the image (if any) and its row; returns the new id. */
  add(snapshot: NewSnapshot): Promise<string>;
  /** An alarm's stills, oldest first. */
  list(alarmId: string): Promise<StoredSnapshot[]>;
  /** The file of a still, or undefined when there is none (failed, pruned, unknown id). */
  imagePath(id: string): Promise<string | undefined>;
  /** Removes stills taken before `before` (rows and files); returns how many this call removed. */
  prune(before: number): Promise<number>;
}
