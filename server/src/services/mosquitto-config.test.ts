import { describe, expect, it } from 'vitest';
import { aclFile, mosquittoHash, passwordFile, verifyMosquittoHash } from './mosquitto-config.ts';

describe('Mosquitto password hashes ($7$, PBKDF2-SHA512)', () => {
  it('verifies a hash written by the real mosquitto_passwd 2.0.11', async () => {
    // `mosquitto_passwd -c -b pw dev1 secretpass`
    const stored = '$7$101$2SmWnv0l5Qs/Nl+/$I7vfCvuje0vkXo2errssDbhC0mXvHoYmYeo0rppUCGShtcZdNlrgCvJmTPtcLHZhpl9ifUMVIziCHMclrwGmag==';
    expect(await verifyMosquittoHash('secretpass', stored)).toBe(true);
    expect(await verifyMosquittoHash('secretpasS', stored)).toBe(false);
  });

  it('writes the same format: 12-byte salt, 64-byte key, the iteration count', async () => {
    const h = await mosquittoHash('device-password', 1000);
    const [, seven, iterations, salt, key] = h.split('$');
    expect([seven, iterations]).toEqual(['7', '1000']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(12);
    expect(Buffer.from(key!, 'base64')).toHaveLength(64);
    expect(await verifyMosquittoHash('device-password', h)).toBe(true);
  });

  it('refuses malformed hashes', async () => {
    expect(await verifyMosquittoHash('x', '$6$abc$def')).toBe(false);
    expect(await verifyMosquittoHash('x', '$7$99999999$AAAA$AAAA')).toBe(false);
  });
});

describe('password and ACL files', () => {
  it('writes user:hash lines and per-user topic rules', () => {
    expect(passwordFile([{ username: 'GAS-1', hash: '$7$1$a$b' }])).toBe('GAS-1:$7$1$a$b\n');
    const acl = aclFile([{ username: 'GAS-1', comment: 'Kitchen\ngas', write: ['vigil/hq/GAS-1/#', 'zigbee2mqtt/Kitchen gas/#'] }], 'header');
    expect(acl).toBe('# header\n\n# Kitchen gas\nuser GAS-1\ntopic write vigil/hq/GAS-1/#\ntopic write zigbee2mqtt/Kitchen gas/#\n');
  });

  it('refuses names and topics that would break or widen the files', () => {
    expect(() => passwordFile([{ username: 'a:b', hash: 'x' }])).toThrow();
    expect(() => aclFile([{ username: 'a b' }], '')).toThrow();
    expect(() => aclFile([{ username: 'a', write: ['x\nuser root'] }], '')).toThrow();
  });
});
