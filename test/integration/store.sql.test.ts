// The SQL connection every store adapter is written over, on both engines: what a transaction
// commits, what it takes back, and that concurrent work never lands inside someone else's.
import { expect, it } from 'vitest';
import { TransactionAborted } from '../../server/src/adapters/sql.ts';
import { eachStore } from '../support/stores.ts';

// A table every migrated store has, with nothing depending on it: the installation record.
const COUNT = 'SELECT count(*) AS n FROM audit';
const INSERT = "INSERT INTO audit (id, at, actor, action, target, detail, hash) VALUES (?, 0, 'a', 'x', 't', 'null', 'h')";

eachStore((open) => {
  it('commits everything a transaction did, and takes all of it back when it throws', async () => {
    const sql = await open();
    await sql.transaction(async () => {
      await sql.run(INSERT, [1]);
      await sql.run(INSERT, [2]);
    });
    await expect(
      sql.transaction(async () => {
        await sql.run(INSERT, [3]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await sql.get<{ n: number }>(COUNT)).toEqual({ n: 2 });
  });

  it('a transaction started inside another joins it: both commit, or neither', async () => {
    const sql = await open();
    await expect(
      sql.transaction(async () => {
        await sql.run(INSERT, [1]);
        await sql.transaction(async () => sql.run(INSERT, [2]));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await sql.get<{ n: number }>(COUNT)).toEqual({ n: 0 });
  });

  it('a failed statement whose error was caught still fails the transaction: nothing is committed', async () => {
    const sql = await open();
    await sql.run(INSERT, [1]);
    await expect(
      sql.transaction(async () => {
        await sql.run(INSERT, [2]);
        await sql.run(INSERT, [1]).catch(() => undefined); // a duplicate id, swallowed
      }),
    ).rejects.toBeInstanceOf(TransactionAborted);
    expect(await sql.get<{ n: number }>(COUNT)).toEqual({ n: 1 });
  });

  it('statements from outside a transaction do not land in it (nor roll back with it)', async () => {
    const sql = await open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = sql.transaction(async () => {
      await sql.run(INSERT, [1]);
      await held;
      throw new Error('rolled back');
    });
    // Issued while the transaction is open, by someone else.
    const outside = sql.run(INSERT, [2]);
    release();
    await expect(tx).rejects.toThrow('rolled back');
    await outside;
    expect(await sql.all<{ id: number }>('SELECT id FROM audit ORDER BY id')).toEqual([{ id: 2 }]);
  });

  // The database part stops last, but a request still being handled (its connection cut by the
  // HTTP part's stop) may be inside a transaction, awaiting: it lands whole before the connection
  // closes, not half-done into a closed one.
  it('closing waits for the transaction in progress, which commits whole', async () => {
    const sql = await open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const tx = sql.transaction(async () => {
      await sql.run(INSERT, [1]);
      entered();
      await held;
      await sql.run(INSERT, [2]);
    });
    await inside;
    const closed = sql.close();
    release();
    await tx;
    await closed;
    await sql.close(); // a second close is no error
    const reopened = await open.again();
    expect(await reopened.get<{ n: number }>(COUNT)).toEqual({ n: 2 });
  });

  it('BIGINT, COUNT and SUM come back as numbers', async () => {
    const sql = await open();
    await sql.run('INSERT INTO audit (id, at, actor, action, target, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      7,
      1_733_300_000_123,
      'a',
      'x',
      't',
      'null',
      'h',
    ]);
    expect(await sql.get('SELECT at, count(*) AS n, sum(at) AS total FROM audit GROUP BY at')).toEqual({
      at: 1_733_300_000_123,
      n: 1,
      total: 1_733_300_000_123,
    });
  });
});
