import DataLoader from "dataloader";
import {
  findBindings,
  findBindingsByIds,
  listActiveBindingsByExtensions,
  listBindingsBySubscriptions,
} from "../bindings/binding.repository.js";
import type { BindingRow } from "../bindings/binding.table.js";
import { type CallActivityData, readCallActivity } from "../calls/call-activity.repository.js";
import { type ActivityRange, type ActivityWindow, activityWindow } from "../calls/call-activity-window.js";
import { listSessionEvents } from "../calls/call-event.repository.js";
import type { CallEventRow } from "../calls/call-event.table.js";
import {
  type CallRecordColumn,
  findCallRecordsByIds,
  listCallRecordsByIcids,
  listCallRecordsOfBindings,
  listSessionRecords,
} from "../calls/call-record.repository.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import { findCallSessions, listCallSessionsOfBindings } from "../calls/call-session.repository.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { Executor } from "../database/database.js";
import { findRecordings } from "../recordings/recording.repository.js";
import type { RecordingRow } from "../recordings/recording.table.js";
import type { PageRequest } from "../shared/pagination.js";

/** One page of a connection under one parent row, and the columns its rows must carry (absent: all). */
export interface ChildPageKey<Column extends string = string> {
  parentId: string;
  page: PageRequest;
  columns?: readonly Column[] | undefined;
}

/** One X's activity over a window ending at the loader's `now` (`VirtualNumber.activity`). */
export interface CallActivityKey extends ActivityRange {
  /** X, the real number (never a masked one). */
  virtualNum: string;
}

/** What {@link Loaders.callActivity} answers: the window read and the calls in it. */
export interface WindowedCallActivity extends CallActivityData {
  window: ActivityWindow;
}

/**
 * The DataLoaders of one execution: every per-row relation of the schema loads through one of them, so that
 * a relation under any number of parent rows and aliases costs one query per level of the query. Rows are as
 * stored (masking is the fields' business), and kept only for the execution that loaded them.
 */
export interface Loaders {
  /** The current binding of a subscriptionId (the newest row), in any state. */
  binding: DataLoader<string, BindingRow | null>;
  /** The binding mirrored as a row id. */
  bindingByRowId: DataLoader<number, BindingRow | null>;
  /** The active binding on X + E (`X\u0000E`) at the loader's `now`: whom a caller keying E on X reaches. */
  activeBindingByExtension: DataLoader<string, BindingRow | null>;
  /** Every binding mirrored under a subscriptionId, oldest first. */
  bindingsBySubscriptionId: DataLoader<string, BindingRow[]>;
  /** The call with a sessionId. */
  callSession: DataLoader<string, CallSessionRow | null>;
  /** A call's events, in the order they happened, then arrived. */
  callEventsBySession: DataLoader<string, CallEventRow[]>;
  /** A call's CDRs, in the order they arrived. */
  callRecordsBySession: DataLoader<string, CallRecordRow[]>;
  /** Every CDR stored under an icid, oldest first. */
  callRecordsByIcid: DataLoader<string, CallRecordRow[]>;
  /** The CDR stored as a row id. */
  callRecordByRowId: DataLoader<number, CallRecordRow | null>;
  /** The archive job of a CDR (by its row id); null when the CDR has no recording. */
  recordingByCallRecordId: DataLoader<number, RecordingRow | null>;
  /** A page of a binding's calls (`Binding.callSessions`); one query per distinct page. */
  callSessionsOfBinding: DataLoader<ChildPageKey, CallSessionRow[], string>;
  /** A page of a binding's CDRs (`Binding.callRecords`); one query per distinct page and columns. */
  callRecordsOfBinding: DataLoader<ChildPageKey<CallRecordColumn>, CallRecordRow[], string>;
  /**
   * An X's calls in a window ending now; one query per distinct window, whatever the number of X. Every
   * window of one batch ends at the same instant.
   */
  callActivity: DataLoader<CallActivityKey, WindowedCallActivity, string>;
}

/** A loader of the one row (or none) per key. */
function oneEach<Key, Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row | null> {
  return new DataLoader(async (keys) => {
    const byKey = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A loader of every row per key, in the order `fetch` returns them. */
function allEach<Key, Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row[]> {
  return new DataLoader(async (keys) => groupBy(await fetch(keys), keyOf, keys));
}

function groupBy<Key, Row>(rows: readonly Row[], keyOf: (row: Row) => Key, keys: readonly Key[]): Row[][] {
  const groups = new Map<Key, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** What, besides the parent, decides a child page's query. */
const pageShape = ({ page, columns }: ChildPageKey) =>
  JSON.stringify([
    page.after ?? null,
    page.before ?? null,
    page.limit,
    page.inverted ?? false,
    columns ?? null,
  ]);

/**
 * A loader of one page per parent: the keys of one batch are grouped by identical page arguments and
 * columns, and each group is one query over all its parents.
 */
function pageEach<Column extends string, Row>(
  fetch: (
    parentIds: readonly string[],
    page: PageRequest,
    columns: readonly Column[] | undefined,
  ) => Promise<Row[]>,
  parentOf: (row: Row) => string | null,
): DataLoader<ChildPageKey<Column>, Row[], string> {
  return new DataLoader(
    async (keys) => {
      const byShape = new Map<string, ChildPageKey<Column>[]>();
      for (const key of keys) {
        const shape = pageShape(key);
        const group = byShape.get(shape);
        if (group) group.push(key);
        else byShape.set(shape, [key]);
      }
      const pages = new Map<string, Row[]>();
      await Promise.all(
        [...byShape.entries()].map(async ([shape, group]) => {
          const { page, columns } = group[0]!;
          const parents = group.map((key) => key.parentId);
          const rows = await fetch(parents, page, columns);
          groupBy(rows, parentOf, parents).forEach((pageRows, index) => {
            pages.set(`${shape}\u0000${parents[index]}`, pageRows);
          });
        }),
      );
      return keys.map((key) => pages.get(`${pageShape(key)}\u0000${key.parentId}`) ?? []);
    },
    { cacheKeyFn: (key) => `${pageShape(key)}\u0000${key.parentId}` },
  );
}

const rangeShape = ({ minutes, bucketMinutes }: ActivityRange) => `${minutes}/${bucketMinutes}`;

/** {@link Loaders.callActivity}: the keys of a batch grouped by range, each range one query over its X. */
function activityEach(
  db: Executor,
  now: () => Date,
): DataLoader<CallActivityKey, WindowedCallActivity, string> {
  return new DataLoader(
    async (keys) => {
      const end = now();
      const byShape = new Map<string, CallActivityKey[]>();
      for (const key of keys) {
        const group = byShape.get(rangeShape(key));
        if (group) group.push(key);
        else byShape.set(rangeShape(key), [key]);
      }
      const found = new Map<string, WindowedCallActivity>();
      await Promise.all(
        [...byShape.entries()].map(async ([shape, group]) => {
          const window = activityWindow(group[0]!, end);
          const read = await readCallActivity(
            db,
            group.map((key) => key.virtualNum),
            window,
          );
          for (const [virtualNum, activity] of read) {
            found.set(`${shape}\u0000${virtualNum}`, { ...activity, window });
          }
        }),
      );
      return keys.map(
        (key) => found.get(`${rangeShape(key)}\u0000${key.virtualNum}`) ?? new Error("activity not read"),
      );
    },
    { cacheKeyFn: (key) => `${rangeShape(key)}\u0000${key.virtualNum}` },
  );
}

/** The key of {@link Loaders.activeBindingByExtension}. */
export function extensionKey(virtualNum: string, extendNum: string): string {
  return `${virtualNum}\u0000${extendNum}`;
}

/** Fresh loaders reading from `db`; `now` is the clock of binding lifetimes and activity windows. */
export function createLoaders(db: Executor, now: () => Date): Loaders {
  return {
    binding: oneEach(
      (ids) => findBindings(db, ids),
      (row) => row.subscription_id,
    ),
    bindingByRowId: oneEach(
      (ids) => findBindingsByIds(db, ids),
      (row) => row.id,
    ),
    activeBindingByExtension: new DataLoader(async (keys) => {
      const extensions = keys.map((key) => {
        const [virtualNum, extendNum] = key.split("\u0000") as [string, string];
        return { virtualNum, extendNum };
      });
      const newestFirst = await listActiveBindingsByExtensions(db, extensions, now());
      const byKey = new Map<string, BindingRow>();
      for (const row of newestFirst) {
        const key = extensionKey(row.virtual_num, row.extend_num);
        if (!byKey.has(key)) byKey.set(key, row);
      }
      return keys.map((key) => byKey.get(key) ?? null);
    }),
    bindingsBySubscriptionId: allEach(
      (ids) => listBindingsBySubscriptions(db, ids),
      (row) => row.subscription_id,
    ),
    callSession: oneEach(
      (ids) => findCallSessions(db, ids),
      (row) => row.session_id,
    ),
    callEventsBySession: allEach(
      (ids) => listSessionEvents(db, ids),
      (row) => row.session_id,
    ),
    callRecordsBySession: allEach(
      (ids) => listSessionRecords(db, ids),
      (row) => row.session_id,
    ),
    callRecordsByIcid: allEach(
      (icids) => listCallRecordsByIcids(db, icids),
      (row) => row.icid,
    ),
    callRecordByRowId: oneEach(
      (ids) => findCallRecordsByIds(db, ids),
      (row) => row.id,
    ),
    recordingByCallRecordId: oneEach(
      (ids) => findRecordings(db, ids),
      (row) => Number(row.call_record_id),
    ),
    callSessionsOfBinding: pageEach(
      (ids, page) => listCallSessionsOfBindings(db, ids, page),
      (row) => row.subscription_id,
    ),
    callRecordsOfBinding: pageEach<CallRecordColumn, CallRecordRow>(
      (ids, page, columns) => listCallRecordsOfBindings(db, ids, page, columns),
      (row) => row.subscription_id,
    ),
    callActivity: activityEach(db, now),
  };
}
