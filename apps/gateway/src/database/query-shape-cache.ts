import { type Compilable, CompiledQuery } from "kysely";

/** Stands for one named value while a query is built; the compiled query gets the value at each run. */
class Slot {
  constructor(readonly name: string) {}
}

/** SQL text of one query shape, and which named value goes into each of its parameters. */
interface Shape {
  sql: string;
  slots: string[];
}

/** Shapes remembered at most (a read that selects an unusual set of columns then just compiles). */
const MAX_SHAPES = 256;

/**
 * Compile a hot query once per shape instead of once per call: building and compiling a query with Kysely's
 * builder costs more CPU than running its SQL through the driver does. `shape` names everything that decides
 * the SQL text (which clauses, which columns, which order); `values` are what changes from call to call.
 * `build` gets stand-ins for the values and must pass each to Kysely as a value (never read it), so that its
 * compiled parameters line up with them. Build the query the same way as without the cache: the SQL is
 * Kysely's.
 */
export function createQueryShapeCache() {
  const shapes = new Map<string, Shape>();
  return function compileShape<Row, Values extends Record<string, unknown>>(
    shape: string,
    values: Values,
    build: (values: Values) => Compilable<Row>,
  ): CompiledQuery<Row> {
    let known = shapes.get(shape);
    if (!known) {
      const stand = Object.fromEntries(Object.keys(values).map((name) => [name, new Slot(name)])) as Values;
      const compiled = build(stand).compile();
      known = {
        sql: compiled.sql,
        slots: compiled.parameters.map((parameter) => {
          if (!(parameter instanceof Slot))
            throw new Error(`query shape ${shape}: a parameter is not a value`);
          return parameter.name;
        }),
      };
      if (shapes.size < MAX_SHAPES) shapes.set(shape, known);
    }
    return CompiledQuery.raw(
      known.sql,
      known.slots.map((name) => values[name]),
    ) as CompiledQuery<Row>;
  };
}
