import {
  bindBodySchema,
  firstIssueField,
  listQuerySchema,
  modifyBodySchema,
  selectorQuerySchema,
  withoutEmpty,
} from "./binding-schemas.js";
import type { BindingStore, StoredBinding } from "./binding-store.js";
import { provinceOfCity } from "./city-provinces.js";
import { isOutOfService, type NumberEntry, type NumberRegistry } from "./number-registry.js";
import type { RandomStream } from "./random.js";
import { invalidRequest, platformResult } from "./result-codes.js";
import type { PlatformResult, ResolvedAppConfig } from "./types.js";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** First cursor of a v2.0 listing (docs/axe-platform.md §7.2). */
export const FIRST_CURSOR = "0000000000000_0";
/** Page size of a v2.0 listing when `limit` is absent (docs/axe-platform.md §16.4). */
export const DEFAULT_PAGE_SIZE = 20;

const unitMsOf = (timeUnit: "0" | "1"): number => (timeUnit === "1" ? MINUTE_MS : HOUR_MS);
const lifetimeMs = (value: number, unitMs: number): number | null => (value > 0 ? value * unitMs : null);

/** Query-string values as the router hands them over. */
export type QueryParams = Record<string, string | undefined>;

interface Deps {
  store: BindingStore;
  numbers: NumberRegistry;
  now: () => number;
  ids: RandomStream;
  /**
   * Random choice of X in relaxed `areaMatchMode` (docs/axe-platform.md §3: "at random from all X numbers").
   */
  pick: RandomStream;
}

/** The v2.0 cursor of a binding: creation time (13 digits) and creation sequence. */
export function cursorOf(b: StoredBinding): string {
  return `${String(b.createdAt).padStart(13, "0")}_${b.seq}`;
}

/**
 * Applies "subscriptionId wins" (docs/axe-platform.md §5, §6, §7): when a request names a `subscriptionId`,
 * the other selectors (and, for v2.0, the paging parameters) are ignored — not even validated, so a
 * `virtualNum` with an unescaped `+` sent alongside it does no harm. Input without a usable `subscriptionId`
 * is returned unchanged.
 */
function whenSubscriptionIdWins(
  input: Record<string, unknown>,
  ignored: readonly string[],
): Record<string, unknown> {
  if (typeof input.subscriptionId !== "string" || input.subscriptionId === "") return input;
  const out = { ...input };
  for (const key of ignored) delete out[key];
  return out;
}

const PAIR = ["virtualNum", "extendNum"] as const;
const PAGING = ["cursor", "limit"] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The fields query reports (docs/axe-platform.md §7.1): unset optional strings are left out. */
export function bindingFields(b: StoredBinding): Record<string, unknown> {
  return {
    subscriptionId: b.subscriptionId,
    virtualNum: b.virtualNum,
    extendNum: b.extendNum,
    bindNum: b.bindNum,
    displayNumMode: b.displayNumMode,
    recordFlag: b.recordFlag ? "true" : "false",
    ...(b.recordHintTone !== undefined ? { recordHintTone: b.recordHintTone } : {}),
    ...(b.callbackTone !== undefined ? { callbackTone: b.callbackTone } : {}),
    ...(b.callbackNum !== undefined ? { callbackNum: b.callbackNum } : {}),
    timeUnit: b.reportedTimeUnit,
    bindExpiredTime: b.reportedBindExpiredTime,
    callbackExpiredTime: b.callbackExpiredTime,
    ...(b.userData !== undefined ? { userData: b.userData } : {}),
  };
}

/** The binding operations of the platform API, each answering with the platform's status and envelope. */
export class BindingService {
  constructor(private readonly deps: Deps) {}

  /** CreateAXEBinding (docs/axe-platform.md §4, §3, §13.4). Synchronous, so allocation is atomic. */
  bind(app: ResolvedAppConfig, rawBody: unknown): PlatformResult {
    if (!isObject(rawBody)) return invalidRequest("body");
    const parsed = bindBodySchema.safeParse(withoutEmpty(rawBody));
    if (!parsed.success) return invalidRequest(firstIssueField(parsed.error));
    const body = parsed.data;
    if (body.callbackTone !== undefined && body.callbackNum !== undefined)
      return invalidRequest("callbackNum");
    if (body.areaMatchMode !== undefined && body.areaCode === undefined)
      return invalidRequest("areaMatchMode");
    if (body.virtualNum === undefined && body.areaCode === undefined) return invalidRequest("virtualNum");

    const digits = app.extensionDigits;
    let number: NumberEntry;
    let extendNum: string;
    if (body.virtualNum !== undefined) {
      // A requested extension counts only with virtualNum (docs/axe-platform.md §4.1); with areaCode it is
      // ignored.
      const requested = body.extendNum;
      if (requested !== undefined && (requested.length !== digits || /^0+$/.test(requested))) {
        return invalidRequest("extendNum");
      }
      const entry = this.deps.numbers.get(body.virtualNum);
      if (!entry || entry.app.appKey !== app.appKey) return platformResult("accountNotExist");
      if (entry.status === "11") return platformResult("numberFrozen");
      if (isOutOfService(entry.status)) return platformResult("numberAbnormal");
      const allocation = this.deps.store.allocate(entry.number, digits, body.bindNum, requested);
      if (!allocation.ok) {
        if (allocation.reason === "bind-num-already-bound") return platformResult("extendNumberBound");
        if (allocation.reason === "extension-taken") return platformResult("noIdleExtension");
        return platformResult("insufficientResources");
      }
      number = entry;
      extendNum = allocation.extendNum;
    } else {
      const entry = this.selectByArea(app, body.areaCode!, body.areaMatchMode ?? "0", body.bindNum);
      if (!entry) return platformResult("insufficientResources");
      const allocation = this.deps.store.allocate(entry.number, digits, body.bindNum);
      if (!allocation.ok) return platformResult("insufficientResources");
      number = entry;
      extendNum = allocation.extendNum;
    }

    const now = this.deps.now();
    const timeUnit = body.timeUnit ?? "0";
    const unitMs = unitMsOf(timeUnit);
    const bindExpiredTime = body.bindExpiredTime ?? 0;
    const callbackExpiredTime = body.callbackExpiredTime ?? 0;
    const bindTtl = lifetimeMs(bindExpiredTime, unitMs);
    const binding: StoredBinding = {
      subscriptionId: this.newSubscriptionId(),
      appKey: app.appKey,
      virtualNum: number.number,
      extendNum,
      bindNum: body.bindNum,
      displayNumMode: body.displayNumMode ?? "0",
      recordFlag: body.recordFlag ?? false,
      ...(body.recordHintTone !== undefined ? { recordHintTone: body.recordHintTone } : {}),
      ...(body.callbackTone !== undefined ? { callbackTone: body.callbackTone } : {}),
      ...(body.callbackNum !== undefined ? { callbackNum: body.callbackNum } : {}),
      reportedTimeUnit: timeUnit,
      reportedBindExpiredTime: bindExpiredTime,
      callbackExpiredTime,
      unitMs,
      bindTtlMs: bindTtl,
      expiresAt: bindTtl === null ? null : now + bindTtl,
      callbackTtlMs: lifetimeMs(callbackExpiredTime, unitMs),
      ...(body.userData !== undefined ? { userData: body.userData } : {}),
      createdAt: now,
      seq: this.deps.store.nextSeq(),
      expiryVersion: 0,
    };
    this.deps.store.insert(binding);
    return platformResult("success", {
      fields: {
        subscriptionId: binding.subscriptionId,
        virtualNum: binding.virtualNum,
        extendNum: binding.extendNum,
        bindExpiredTime,
        callbackExpiredTime,
      },
    });
  }

  /**
   * ModifyAXEBinding (docs/axe-platform.md §6, §16.4): absent = unchanged; a new bindExpiredTime restarts the
   * expiry clock.
   */
  modify(app: ResolvedAppConfig, rawBody: unknown): PlatformResult {
    if (!isObject(rawBody)) return invalidRequest("body");
    const parsed = modifyBodySchema.safeParse(
      whenSubscriptionIdWins(withoutEmpty(rawBody, ["callbackTone", "callbackNum"]), PAIR),
    );
    if (!parsed.success) return invalidRequest(firstIssueField(parsed.error));
    const body = parsed.data;
    const selected = this.select(app, body, "query");
    if (!selected.ok) return selected.result;
    const b = selected.binding;

    const unitMs = body.timeUnit !== undefined ? unitMsOf(body.timeUnit) : b.unitMs;
    const newBindTime = body.bindExpiredTime;
    // "bindExpiredTime must be ≥ callbackExpiredTime" (docs/axe-platform.md §6); 0 means "never", so only two
    // finite values compare.
    if (newBindTime !== undefined || body.callbackExpiredTime !== undefined) {
      const bindMs = newBindTime !== undefined ? lifetimeMs(newBindTime, unitMs) : b.bindTtlMs;
      const callbackMs =
        body.callbackExpiredTime !== undefined
          ? lifetimeMs(body.callbackExpiredTime, unitMs)
          : b.callbackTtlMs;
      if (bindMs !== null && callbackMs !== null && bindMs < callbackMs) {
        return invalidRequest(newBindTime !== undefined ? "bindExpiredTime" : "callbackExpiredTime");
      }
    }

    if (body.displayNumMode !== undefined) b.displayNumMode = body.displayNumMode;
    if (body.recordFlag !== undefined) b.recordFlag = body.recordFlag;
    if (body.recordHintTone !== undefined) b.recordHintTone = body.recordHintTone;
    if (body.userData !== undefined) b.userData = body.userData;
    applyCallbackTarget(b, body.callbackTone, body.callbackNum);
    b.unitMs = unitMs;
    if (body.callbackExpiredTime !== undefined) {
      b.callbackExpiredTime = body.callbackExpiredTime;
      b.callbackTtlMs = lifetimeMs(body.callbackExpiredTime, unitMs);
    }
    if (newBindTime !== undefined) {
      const ttl = lifetimeMs(newBindTime, unitMs);
      b.bindTtlMs = ttl;
      this.deps.store.setExpiry(b, ttl === null ? null : this.deps.now() + ttl);
    }
    return platformResult("success");
  }

  /** DeleteAXEBinding (docs/axe-platform.md §5). */
  unbind(app: ResolvedAppConfig, query: QueryParams): PlatformResult {
    const parsed = selectorQuerySchema.safeParse(whenSubscriptionIdWins(withoutEmpty(query), PAIR));
    if (!parsed.success) return invalidRequest(firstIssueField(parsed.error));
    const selected = this.select(app, parsed.data, "unbind");
    if (!selected.ok) return selected.result;
    this.deps.store.remove(selected.binding);
    return platformResult("success");
  }

  /** QueryAXEBinding v1.0 (docs/axe-platform.md §7.1). */
  query(app: ResolvedAppConfig, query: QueryParams): PlatformResult {
    const parsed = selectorQuerySchema.safeParse(whenSubscriptionIdWins(withoutEmpty(query), PAIR));
    if (!parsed.success) return invalidRequest(firstIssueField(parsed.error));
    const selected = this.select(app, parsed.data, "query");
    if (!selected.ok) return selected.result;
    return platformResult("success", { fields: bindingFields(selected.binding) });
  }

  /**
   * QueryAXEBinding v2.0 (docs/axe-platform.md §7.2, §16.4). `virtualNum` alone lists X's bindings in
   * creation order: `{ total, bindingList, nextCusor? }`, where `nextCusor` is present only when more
   * bindings follow. A single-binding selector answers the same shape with one item.
   */
  list(app: ResolvedAppConfig, query: QueryParams): PlatformResult {
    // A single-binding lookup ignores the paging parameters (docs/axe-platform.md §7.2); subscriptionId
    // ignores the pair too.
    const input = whenSubscriptionIdWins(withoutEmpty(query), [...PAIR, ...PAGING]);
    if (input.extendNum !== undefined) for (const key of PAGING) delete input[key];
    const parsed = listQuerySchema.safeParse(input);
    if (!parsed.success) return invalidRequest(firstIssueField(parsed.error));
    const q = parsed.data;
    if (q.subscriptionId !== undefined || q.extendNum !== undefined) {
      const selected = this.select(app, q, "query");
      if (!selected.ok) return selected.result;
      return platformResult("success", {
        fields: { total: 1, bindingList: [bindingFields(selected.binding)] },
      });
    }
    if (q.virtualNum === undefined) return invalidRequest("virtualNum");
    const entry = this.deps.numbers.get(q.virtualNum);
    if (!entry || entry.app.appKey !== app.appKey) return platformResult("recordNotExist");
    const [afterTime, afterSeq] = (q.cursor ?? FIRST_CURSOR).split("_").map(Number) as [number, number];
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const all = this.deps.store.listForNumber(q.virtualNum);
    const rest = all.filter(
      (b) => b.createdAt > afterTime || (b.createdAt === afterTime && b.seq > afterSeq),
    );
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    return platformResult("success", {
      fields: {
        total: all.length,
        bindingList: page.map(bindingFields),
        ...(rest.length > limit && last ? { nextCusor: cursorOf(last) } : {}),
      },
    });
  }

  /**
   * Finds the binding a request names: `subscriptionId` wins; otherwise `virtualNum` and `extendNum` together.
   * An X of another app is `1011004` on unbind (Huawei's unbind FAQ) and `1012007` elsewhere.
   */
  private select(
    app: ResolvedAppConfig,
    sel: {
      subscriptionId?: string | undefined;
      virtualNum?: string | undefined;
      extendNum?: string | undefined;
    },
    purpose: "query" | "unbind",
  ): { ok: true; binding: StoredBinding } | { ok: false; result: PlatformResult } {
    const notFound = { ok: false as const, result: platformResult("recordNotExist") };
    if (sel.subscriptionId !== undefined) {
      const b = this.deps.store.get(sel.subscriptionId);
      return b && b.appKey === app.appKey ? { ok: true, binding: b } : notFound;
    }
    if (sel.virtualNum === undefined) {
      return {
        ok: false,
        result: invalidRequest(sel.extendNum === undefined ? "subscriptionId" : "virtualNum"),
      };
    }
    if (sel.extendNum === undefined) return { ok: false, result: invalidRequest("extendNum") };
    const entry = this.deps.numbers.get(sel.virtualNum);
    if (!entry || entry.app.appKey !== app.appKey) {
      return purpose === "unbind" ? { ok: false, result: platformResult("numberNotApplied") } : notFound;
    }
    const b = this.deps.store.byExtension(sel.virtualNum, sel.extendNum);
    return b ? { ok: true, binding: b } : notFound;
  }

  /**
   * Picks X for an `areaCode` bind (docs/axe-platform.md §3): an in-service number of that city with room; in
   * relaxed mode then one of the same province, then one at random from all the app's numbers.
   */
  private selectByArea(
    app: ResolvedAppConfig,
    areaCode: string,
    mode: "0" | "1",
    bindNum: string,
  ): NumberEntry | undefined {
    const usable = this.deps.numbers
      .ofApp(app.appKey)
      .filter((n) => n.status === "5" && this.deps.store.canTake(n.number, app.extensionDigits, bindNum));
    const sameCity = usable.find((n) => n.cityCode === areaCode);
    if (sameCity || mode === "0") return sameCity;
    const province =
      this.deps.numbers.ofApp(app.appKey).find((n) => n.cityCode === areaCode && n.province)?.province ??
      provinceOfCity(areaCode);
    const sameProvince = province ? usable.find((n) => n.province === province) : undefined;
    if (sameProvince) return sameProvince;
    return usable.length > 0 ? usable[this.deps.pick.int(usable.length)] : undefined;
  }

  private newSubscriptionId(): string {
    const h = this.deps.ids.hex(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/**
 * Applies modify's `callbackTone`/`callbackNum` (docs/axe-platform.md §6): `""` clears a field, a binding
 * keeps at most one of the two, and when both carry a value `callbackNum` wins.
 */
function applyCallbackTarget(b: StoredBinding, tone: string | undefined, num: string | undefined): void {
  if (num !== undefined && num !== "") {
    b.callbackNum = num;
    delete b.callbackTone;
    return;
  }
  if (num === "") delete b.callbackNum;
  if (tone === "") delete b.callbackTone;
  else if (tone !== undefined) {
    b.callbackTone = tone;
    delete b.callbackNum;
  }
}
