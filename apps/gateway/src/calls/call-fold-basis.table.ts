import type { FoldBasis } from "./fold-basis.js";

/** For each call, the stored events and CDRs that decide its fold (see fold-basis.ts). */
export interface CallFoldBasisTable {
  session_id: string;
  basis: FoldBasis;
}
