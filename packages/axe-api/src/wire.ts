import type {
  Binding,
  BindingChanges,
  BindingRef,
  CreateBindingInput,
  CreatedBinding,
  DisplayNumMode,
  TimeUnit,
} from "./types.js";

/** The platform's JSON body field values: strings for enums and flags, integers for lifetimes. */
export type WireBody = Record<string, string | number>;

const TIME_UNIT_TO_WIRE: Record<TimeUnit, string> = { hours: "0", minutes: "1" };

function put(body: WireBody, key: string, value: string | number | undefined): void {
  if (value !== undefined) body[key] = value;
}

function putSettings(body: WireBody, input: BindingChanges): void {
  put(body, "displayNumMode", input.displayNumMode);
  put(body, "recordFlag", input.recordFlag === undefined ? undefined : String(input.recordFlag));
  put(body, "recordHintTone", input.recordHintTone);
  put(body, "callbackTone", input.callbackTone);
  put(body, "callbackNum", input.callbackNum);
  put(body, "timeUnit", input.timeUnit === undefined ? undefined : TIME_UNIT_TO_WIRE[input.timeUnit]);
  put(body, "bindExpiredTime", input.bindExpiredTime);
  put(body, "callbackExpiredTime", input.callbackExpiredTime);
  put(body, "userData", input.userData);
}

/** Bind body: `recordFlag` as `"true"`/`"false"`, `timeUnit` as `"0"`/`"1"`, `+` literal (JSON). */
export function toCreateBody(input: CreateBindingInput): WireBody {
  const body: WireBody = { bindNum: input.bindNum };
  put(body, "virtualNum", input.virtualNum);
  put(body, "areaCode", input.areaCode);
  put(body, "areaMatchMode", input.areaMatchMode);
  put(body, "extendNum", input.extendNum);
  putSettings(body, input);
  return body;
}

/** Modify body: the selector, then only the changed fields. */
export function toUpdateBody(ref: BindingRef, changes: BindingChanges): WireBody {
  const body: WireBody = {};
  for (const [key, value] of refPairs(ref)) body[key] = value;
  putSettings(body, changes);
  return body;
}

/** The query-string pairs selecting one binding; `subscriptionId` alone when given (it wins anyway). */
export function refPairs(ref: BindingRef): [string, string][] {
  return "subscriptionId" in ref
    ? [["subscriptionId", ref.subscriptionId]]
    : [
        ["virtualNum", ref.virtualNum],
        ["extendNum", ref.extendNum],
      ];
}

/**
 * A query string with every value percent-encoded: `+` becomes `%2B` (a literal `+` would decode to a space
 * and fail the platform's E.164 check, docs/axe-platform.md §1.2).
 */
export function toQuery(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function int(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d{1,10}$/.test(value)) return Number(value);
  return undefined;
}

function flag(value: unknown): boolean | undefined {
  if (value === true || value === "true" || value === "1" || value === 1) return true;
  if (value === false || value === "false" || value === "0" || value === 0) return false;
  return undefined;
}

function timeUnitOf(value: unknown): TimeUnit | undefined {
  const v = str(value);
  return v === "0" ? "hours" : v === "1" ? "minutes" : undefined;
}

function displayModeOf(value: unknown): DisplayNumMode | undefined {
  const v = str(value);
  return v === "0" || v === "1" ? v : undefined;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** The bind response, or `undefined` when a required field is missing (the caller reports it). */
export function fromCreateResponse(json: Record<string, unknown>): CreatedBinding | undefined {
  const subscriptionId = str(json.subscriptionId);
  const virtualNum = str(json.virtualNum);
  const extendNum = str(json.extendNum);
  if (!subscriptionId || !virtualNum || !extendNum) return undefined;
  const out: CreatedBinding = { subscriptionId, virtualNum, extendNum };
  assign(out, "bindExpiredTime", int(json.bindExpiredTime));
  assign(out, "callbackExpiredTime", int(json.callbackExpiredTime));
  return out;
}

/** A binding as reported by query, or `undefined` when an identifying field is missing. */
export function fromBinding(json: Record<string, unknown>): Binding | undefined {
  const subscriptionId = str(json.subscriptionId);
  const virtualNum = str(json.virtualNum);
  const extendNum = str(json.extendNum);
  const bindNum = str(json.bindNum);
  if (!subscriptionId || !virtualNum || !extendNum || !bindNum) return undefined;
  const out: Binding = { subscriptionId, virtualNum, extendNum, bindNum };
  assign(out, "displayNumMode", displayModeOf(json.displayNumMode));
  assign(out, "recordFlag", flag(json.recordFlag));
  assign(out, "recordHintTone", str(json.recordHintTone) || undefined);
  assign(out, "callbackTone", str(json.callbackTone) || undefined);
  assign(out, "callbackNum", str(json.callbackNum) || undefined);
  assign(out, "timeUnit", timeUnitOf(json.timeUnit));
  assign(out, "bindExpiredTime", int(json.bindExpiredTime));
  assign(out, "callbackExpiredTime", int(json.callbackExpiredTime));
  assign(out, "userData", str(json.userData) || undefined);
  return out;
}

/** Reduce a binding to what `createBinding` returns (used when a reconcile lookup found it). */
export function toCreated(binding: Binding): CreatedBinding {
  const out: CreatedBinding = {
    subscriptionId: binding.subscriptionId,
    virtualNum: binding.virtualNum,
    extendNum: binding.extendNum,
  };
  assign(out, "bindExpiredTime", binding.bindExpiredTime);
  assign(out, "callbackExpiredTime", binding.callbackExpiredTime);
  return out;
}
