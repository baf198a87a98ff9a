// `pnpm --filter @privnum/gateway reconcile`: reconcile the running gateway's bindings with the platform now,
// through its `reconcileBindings` mutation (the gateway holds the database: an embedded PGlite directory is
// locked by it), and print the report.
//
// Exit codes: 0 when every X was reconciled; 1 when the platform failed for some X (each is printed) or
// refused the gateway's credentials; 2 on a usage error or when the gateway cannot be asked (one line).
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { GatewayRequestError, requestGateway } from "./gateway-request.js";
import { formatReconcileReport, type ReconcileReportView } from "./reconcile-report-text.js";

const RECONCILE = /* GraphQL */ `
  mutation Reconcile($input: ReconcileBindingsInput) {
    reconcileBindings(input: $input) {
      __typename
      ... on ReconcileBindingsPayload {
        report { startedAt finishedAt virtualNumbers listed imported missing unchanged failed { virtualNum reason } }
      }
      ... on ValidationError { message }
      ... on PlatformError { message resultcode }
    }
  }
`;

type ReconcileResult =
  | { __typename: "ReconcileBindingsPayload"; report: ReconcileReportView }
  | { __typename: "ValidationError"; message: string }
  | { __typename: "PlatformError"; message: string; resultcode: string | null };

const USAGE_OR_CONNECTION = 2;
const SOME_FAILED = 1;

const program = new Command("reconcile")
  .description("Reconcile the running gateway's mirrored bindings with the platform, and print the report.")
  .addOption(
    new Option("--url <url>", "the gateway's base URL").env("GATEWAY_URL").default("http://127.0.0.1:4000"),
  )
  .addOption(
    new Option("--key <key>", "an operator's (or admin's) API key; `pnpm start` prints one")
      .env("GATEWAY_KEY")
      .makeOptionMandatory(),
  )
  .option(
    "--virtual-num <number>",
    "an X to reconcile (E.164); repeat for several, up to 100; default: every X",
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .addOption(
    new Option("--timeout <seconds>", "longest wait for the report").default(600).argParser((value) => {
      const seconds = Number(value);
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
        throw new InvalidArgumentError("give a whole number of seconds from 1 to 86400");
      }
      return seconds;
    }),
  )
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

async function main(): Promise<number> {
  try {
    program.parse(process.argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help and --version end well; every other problem commander has already printed in one line.
    return error.exitCode === 0 ? 0 : USAGE_OR_CONNECTION;
  }
  const options = program.opts<{ url: string; key: string; virtualNum?: string[]; timeout: number }>();
  try {
    const { reconcileBindings: result } = await requestGateway<{ reconcileBindings: ReconcileResult }>(
      { url: options.url, key: options.key, timeoutMs: options.timeout * 1000 },
      RECONCILE,
      { input: options.virtualNum ? { virtualNums: options.virtualNum } : null },
    );
    switch (result.__typename) {
      case "ReconcileBindingsPayload":
        process.stdout.write(formatReconcileReport(result.report));
        return result.report.failed.length > 0 ? SOME_FAILED : 0;
      case "ValidationError":
        process.stderr.write(`reconcile: ${result.message}\n`);
        return USAGE_OR_CONNECTION;
      case "PlatformError":
        process.stderr.write(`reconcile: the platform refused the gateway: ${result.message}\n`);
        return SOME_FAILED;
    }
  } catch (error) {
    if (!(error instanceof GatewayRequestError)) throw error;
    process.stderr.write(`reconcile: ${error.message}\n`);
    return USAGE_OR_CONNECTION;
  }
}

process.exitCode = await main();
