export declare const NUMBERED_DIGITS: number;
export declare const MAX_NUMBERED: number;
export declare function numberedValue(i: number): number;
export declare function numberOf(value: number): number;
