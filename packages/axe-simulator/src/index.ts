export { CITY_PROVINCES } from "./city-provinces.js";
export { DEFAULT_APP } from "./config.js";
export {
  type InputIssue,
  PortInUseError,
  SimulatorConfigError,
  SimulatorInputError,
  SimulatorStateError,
  SimulatorStateFileError,
} from "./errors.js";
export { RETRY_SCHEDULE_MINUTES } from "./push-dispatcher.js";
export { RESULTS } from "./result-codes.js";
export { createSimulator } from "./simulator.js";
export { STATE_DESCRIPTIONS } from "./state-codes.js";
export type {
  ApiFaultConfig,
  AppConfig,
  AuthConfig,
  BindingSnapshot,
  BindRequestBody,
  CallOutcome,
  ControlConfig,
  Delivery,
  DeliveryOutcome,
  FaultConfig,
  LockoutConfig,
  NumberStatus,
  NumberStatusCause,
  PlatformResult,
  PushFaultConfig,
  PushKind,
  RecordingFaultConfig,
  RecordingSnapshot,
  ResolvedAppConfig,
  Scheme,
  SetNumberStatusInput,
  SimulateCallInput,
  SimulateCallResult,
  Simulator,
  SimulatorClock,
  SimulatorConfig,
  SimulatorLogEvent,
  SimulatorState,
  VirtualNumberConfig,
} from "./types.js";
