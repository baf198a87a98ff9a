/** An entry of a code table: the English description and Huawei's Chinese term. */
export interface CodeInfo {
  /** English description (docs/axe-platform.md §10/§11 wording). */
  readonly description: string;
  /** The Chinese term of Huawei's table. */
  readonly zh: string;
}

/** A code found in its table: the entry's fields beside the normalised code. */
export type KnownCode<C, E extends CodeInfo> = { readonly code: C; readonly known: true } & E;

/** A code not in the table (or not a code at all); lookups return this instead of throwing. */
export interface UnknownCode {
  readonly code: number | string;
  readonly known: false;
}

/** The result of a lookup. */
export type CodeLookup<C, E extends CodeInfo> = KnownCode<C, E> | UnknownCode;

const INTEGER_TEXT = /^-?\d{1,15}$/;

/** Reads an integer code given as a number or a string of digits; anything else gives `undefined`. */
export function toIntegerCode(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "string" && INTEGER_TEXT.test(value)) return Number(value);
  return undefined;
}

/**
 * The code to echo back for an unknown input, never throwing on odd values (symbols, objects, proxies whose
 * every conversion throws: those are echoed as their `typeof`).
 */
export function echoCode(value: unknown): number | string {
  if (typeof value === "number" || typeof value === "string") return value;
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return typeof value;
    }
  }
}

/** Looks up an integer-keyed table. */
export function lookupInteger<E extends CodeInfo>(
  table: Readonly<Record<number, E>>,
  value: unknown,
): CodeLookup<number, E> {
  const code = toIntegerCode(value);
  if (code !== undefined && Object.hasOwn(table, code)) {
    return { code, known: true, ...(table[code] as E) };
  }
  return { code: code ?? echoCode(value), known: false };
}
