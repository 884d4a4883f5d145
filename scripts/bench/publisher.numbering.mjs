// How the publisher workers number their live readings (the value is the message's number over
// 10^7), shared with the bench that decodes what InfluxDB holds. Plain JS: workers do not inherit
// tsx's loader; types in publisher.numbering.d.mts.

/** Digits after "0.": a value is i / 10^7. */
export const NUMBERED_DIGITS = 7;
/** Numbers 0 … 10^7 - 1 fit. Values stay below 1 %LEL, far under any gas threshold. */
export const MAX_NUMBERED = 10 ** NUMBERED_DIGITS;

/** The value message `i` carries. */
export const numberedValue = (i) => i / MAX_NUMBERED;

/** The message number a stored value stands for. */
export const numberOf = (value) => Math.round(value * MAX_NUMBERED);
