/**
 * The PUBACKs one connection owes, in PUBLISH order [MQTT-4.6.0-2]: each QoS 1 message takes the
 * next slot, marked ready once durable (or rejected); `takeReady` releases the ready run at the head
 * and nothing behind a gap, so a message's PUBACK waits for every earlier one. Per connection:
 * packet ids belong to one network connection's exchange (see `mqtt.subscriber.ts`).
 */
export class AckQueue {
  private ids: number[] = [];
  private ready: boolean[] = [];
  private head = 0;
  /** Sequence number of `ids[0]`. */
  private base = 0;

  /** Reserves the next slot; returns its sequence number. */
  push(packetId: number, ready = false): number {
    this.ids.push(packetId);
    this.ready.push(ready);
    return this.base + this.ids.length - 1;
  }

  markReady(seq: number): void {
    const i = seq - this.base;
    if (i >= this.head && i < this.ids.length) this.ready[i] = true;
  }

  /** Packet ids now due, in order (empty when the oldest owed one is not ready yet). */
  takeReady(): number[] {
    const from = this.head;
    while (this.head < this.ids.length && this.ready[this.head]) this.head++;
    const due = this.ids.slice(from, this.head);
    if (this.head > 4096 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.ready = this.ready.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    return due;
  }

  /** PUBACKs owed and not yet released. */
  get pending(): number {
    return this.ids.length - this.head;
  }
}
