/**
 * `tsx simulator/src/camera/cli.ts [--port 8091] [--host 127.0.0.1]`: the demo's simulated camera
 * (test-pattern.camera.ts) until SIGINT/SIGTERM. `npm start` runs it when the facility file has
 * cameras marked `simulated: true`.
 */
import { parseArgs } from 'node:util';
import { startTestPatternCamera } from './test-pattern.camera.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8091' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`camera: --port must be a TCP port, not ${values.port}\n`);
  process.exit(2);
}
const camera = await startTestPatternCamera({ host: values.host, port });
process.stdout.write(`simulated camera on ${camera.url} (frames: ${camera.source}); stills at /<camera>/snapshot.jpg, MJPEG at /<camera>/stream.mjpg\n`);
const stop = (): void => void camera.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
