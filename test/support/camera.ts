/**
 * A real HTTP camera for tests: the simulator's test-pattern camera serving frames ffmpeg renders
 * now (Debian's ffmpeg, `testsrc`), never the shipped ones, so a test exercises the same JPEGs a
 * camera encoder makes. scripts/ensure-deps.sh --ffmpeg installs ffmpeg.
 */
import { afterAll } from 'vitest';
import {
  renderTestPattern,
  startTestPatternCamera,
  type TestPatternCamera,
  type TestPatternCameraOptions,
} from '../../simulator/src/camera/test-pattern.camera.ts';

export type { TestPatternCamera } from '../../simulator/src/camera/test-pattern.camera.ts';

let frames: Buffer[] | null = null;

/** Four testsrc frames ffmpeg rendered (once per test process); throws when ffmpeg is missing. */
export function ffmpegFrames(): Buffer[] {
  frames ??= renderTestPattern(4);
  if (frames === null) throw new Error('ffmpeg not found or failed: run scripts/ensure-deps.sh --ffmpeg (or apt-get install -y ffmpeg)');
  return frames;
}

/** Starts a camera (closed after the file's tests); throws when ffmpeg is missing. */
export async function startFfmpegCamera(opts: Omit<TestPatternCameraOptions, 'frames'> = {}): Promise<TestPatternCamera> {
  const camera = await startTestPatternCamera({ ...opts, frames: ffmpegFrames() });
  afterAll(() => camera.close());
  return camera;
}
