export function writeLength(buf: Uint8Array, off: number, len: number): number;
export function mqttString(s: string): Buffer;
export function connectFrame(opts: { clientId: string; username?: string; password?: string; keepaliveS: number }): Buffer;
export const PINGREQ: Buffer;
export const DISCONNECT: Buffer;
export function eachFrame(buf: Buffer, onFrame: (firstByte: number, buf: Buffer, bodyOffset: number, bodyLength: number) => boolean | void): number;
