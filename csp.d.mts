export declare const CSP: string;
export declare const HEADER_ONLY: string;
