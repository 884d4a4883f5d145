/**
 * When this Vigil was installed (its database first made, or upgraded to a version that records
 * it): nothing was watched, so nothing may be reported on, before then.
 */
export interface Installation {
  /** Epoch ms. */
  installedAt(): Promise<number>;
}
