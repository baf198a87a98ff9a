import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from "graphql";

/** For each GraphQL field of an object type, the columns of its row that the field's resolver reads. */
export type FieldColumns<Column extends string> = Readonly<Record<string, readonly Column[]>>;

/** Every field selected directly in `selectionSet`, through fragments too (whatever their type condition). */
function selectedFields(info: GraphQLResolveInfo, selectionSet: SelectionSetNode | undefined): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === "Field") fields.push(selection);
    else if (selection.kind === "InlineFragment")
      fields.push(...selectedFields(info, selection.selectionSet));
    else fields.push(...selectedFields(info, info.fragments[selection.name.value]?.selectionSet));
  }
  return fields;
}

/** The fields named `name` selected under `parents`. */
function subfields(info: GraphQLResolveInfo, parents: readonly FieldNode[], name: string): FieldNode[] {
  return parents.flatMap((parent) =>
    selectedFields(info, parent.selectionSet).filter((field) => field.name.value === name),
  );
}

/**
 * For a connection field (`edges { cursor node { … } }`): the columns its rows must carry for the node fields
 * the query selects, so that a page reads only those. `undefined` (read every column) as soon as a selected
 * field is not in `fieldColumns`: a field added to the type without an entry costs speed, never correctness.
 * Fields under `@skip`/`@include` count as selected (a superset is always safe).
 *
 * The answer depends only on the operation's document, which Yoga's parser cache reuses for a repeated query
 * text, so it is remembered per field node.
 */
export function connectionColumns<Column extends string>(
  fieldColumns: FieldColumns<Column>,
): (info: GraphQLResolveInfo) => Column[] | undefined {
  const remembered = new WeakMap<FieldNode, Column[] | null>();
  const compute = (info: GraphQLResolveInfo): Column[] | null => {
    const columns = new Set<Column>();
    for (const node of subfields(info, subfields(info, info.fieldNodes, "edges"), "node")) {
      for (const field of selectedFields(info, node.selectionSet)) {
        if (field.name.value === "__typename") continue;
        const read = fieldColumns[field.name.value];
        if (!read) return null;
        for (const column of read) columns.add(column);
      }
    }
    return [...columns];
  };
  return (info) => {
    const key = info.fieldNodes[0];
    if (!key || info.fieldNodes.length > 1) return compute(info) ?? undefined;
    let columns = remembered.get(key);
    if (columns === undefined) {
      columns = compute(info);
      remembered.set(key, columns);
    }
    return columns ?? undefined;
  };
}
