// The binding forms' checks, mirroring what the gateway checks before it asks the platform (@privnum/axe-api's
// validation.ts): a form that would be refused is never sent, and each problem is told next to its input.
// Messages never echo the value: it may be a phone number.

/** A form's problems, by the input's field name (the platform's names: bindNum, extendNum …). */
export type FieldErrors = Partial<Record<string, string>>;

/** A checked form: the mutation's input, or the problems to show. */
export type Checked<T> = { ok: true; input: T } | { ok: false; errors: FieldErrors };

/** The time units the gateway's schema names. */
export type TimeUnitValue = "HOURS" | "MINUTES";

// The gateway's rules (STRICT_PHONE_NUMBER_PATTERN, EXTENSION …), repeated here: the console has no runtime
// dependency on the gateway's packages.
const E164 = /^\+[1-9]\d{5,14}$/;
const EXTENSION = /^(?!0+$)\d{1,4}$/;
const AREA_CODE = /^\d{1,32}$/;
const WHOLE = /^\d+$/;
const HAN = /\p{Script=Han}/u;
const MAX_INTEGER = 2_147_483_647;
const MAX_USER_DATA = 256;
const MAX_TONE = 128;

/** Told for a number that is not E.164. */
export const E164_MESSAGE =
  "Enter an E.164 number: + then 6–15 digits, country code first (e.g. +8613800000021)";
/** Told for an extension the platform would refuse. */
export const EXTENSION_MESSAGE = "Enter 1–4 digits, not all zeros (1–9, 01–99, 001–999 or 0001–9999)";

/** Problem with a phone number, if any (`value` trimmed). */
export function checkPhoneNumber(value: string): string | undefined {
  return E164.test(value) ? undefined : E164_MESSAGE;
}

/** Problem with an extension E, if any. */
export function checkExtension(value: string): string | undefined {
  return EXTENSION.test(value) ? undefined : EXTENSION_MESSAGE;
}

/** Problem with a lifetime (a whole number of hours or minutes), if any. */
export function checkLifetime(value: string): string | undefined {
  if (!WHOLE.test(value)) return "Enter a whole number, 0 or more";
  return Number(value) > MAX_INTEGER ? `Enter at most ${MAX_INTEGER}` : undefined;
}

/** Problem with `userData`, if any: the platform keeps at most 256 characters, no braces, no Chinese. */
export function checkUserData(value: string): string | undefined {
  if (value.length > MAX_USER_DATA) return `At most ${MAX_USER_DATA} characters`;
  if (value.includes("{") || value.includes("}")) return "Must not contain { or }";
  if (HAN.test(value)) return "Must not contain Chinese characters (Base64-encode them)";
  return undefined;
}

/** Problem with a tone file name, if any. */
export function checkTone(value: string): string | undefined {
  return value.length > MAX_TONE ? `At most ${MAX_TONE} characters` : undefined;
}

/** What the create form holds: text as typed (empty = not given), and the two switches. */
export interface CreateBindingForm {
  bindNum: string;
  /** X; empty: the platform picks one by `areaCode`. */
  virtualNum: string;
  extendNum: string;
  recordFlag: boolean;
  bindExpiredTime: string;
  timeUnit: TimeUnitValue;
  userData: string;
  callbackNum: string;
  areaCode: string;
  /** "" (not given), "0" strict or "1" relaxed. */
  areaMatchMode: "" | "0" | "1";
  /** "" (not given), "0" shows X to A, "1" the real caller. */
  displayNumMode: "" | "0" | "1";
  recordHintTone: string;
  callbackTone: string;
  callbackExpiredTime: string;
}

/** An empty create form. */
export const EMPTY_CREATE_FORM: CreateBindingForm = {
  bindNum: "",
  virtualNum: "",
  extendNum: "",
  recordFlag: false,
  bindExpiredTime: "",
  timeUnit: "HOURS",
  userData: "",
  callbackNum: "",
  areaCode: "",
  areaMatchMode: "",
  displayNumMode: "",
  recordHintTone: "",
  callbackTone: "",
  callbackExpiredTime: "",
};

/** The `CreateBindingInput` the form becomes (only the fields given). */
export interface CreateBindingInputValue {
  bindNum: string;
  virtualNum?: string;
  extendNum?: string;
  recordFlag?: boolean;
  bindExpiredTime?: number;
  timeUnit?: TimeUnitValue;
  userData?: string;
  callbackNum?: string;
  areaCode?: string;
  areaMatchMode?: string;
  displayNumMode?: string;
  recordHintTone?: string;
  callbackTone?: string;
  callbackExpiredTime?: number;
}

/** Check the create form the way the gateway would; the input to send, or every problem by field. */
export function checkCreateForm(form: CreateBindingForm): Checked<CreateBindingInputValue> {
  const errors: FieldErrors = {};
  const text = (key: keyof CreateBindingForm) => String(form[key]).trim();
  const bindNum = text("bindNum");
  const virtualNum = text("virtualNum");
  const extendNum = text("extendNum");
  const areaCode = text("areaCode");
  const callbackNum = text("callbackNum");
  const callbackTone = text("callbackTone");
  const recordHintTone = text("recordHintTone");
  const bindExpiredTime = text("bindExpiredTime");
  const callbackExpiredTime = text("callbackExpiredTime");
  // userData is sent as typed: spaces may be part of what the business stores.
  const userData = form.userData;

  if (bindNum === "") errors.bindNum = "Required: the number A to protect";
  else errors.bindNum = checkPhoneNumber(bindNum);
  if (virtualNum !== "") {
    errors.virtualNum = checkPhoneNumber(virtualNum);
    if (areaCode !== "") errors.areaCode = "Give either X or an area code, not both";
  } else if (areaCode === "") {
    errors.areaCode = "Choose X, or give an area code for the platform to pick one";
  } else if (!AREA_CODE.test(areaCode)) {
    errors.areaCode = "Enter a city code of 1–32 digits, e.g. 0755";
  }
  if (form.areaMatchMode !== "" && areaCode === "") errors.areaMatchMode = "Only together with an area code";
  if (extendNum !== "") {
    errors.extendNum = virtualNum === "" ? "Only together with X" : checkExtension(extendNum);
  }
  if (bindExpiredTime !== "") errors.bindExpiredTime = checkLifetime(bindExpiredTime);
  if (callbackExpiredTime !== "") errors.callbackExpiredTime = checkLifetime(callbackExpiredTime);
  if (userData !== "") errors.userData = checkUserData(userData);
  if (callbackNum !== "") errors.callbackNum = checkPhoneNumber(callbackNum);
  if (callbackTone !== "") errors.callbackTone = checkTone(callbackTone);
  if (recordHintTone !== "") errors.recordHintTone = checkTone(recordHintTone);
  if (callbackNum !== "" && callbackTone !== "" && !errors.callbackNum) {
    errors.callbackNum = "Give a callback number or a callback tone, not both";
  }

  const problems = withoutEmpty(errors);
  if (Object.keys(problems).length > 0) return { ok: false, errors: problems };
  const input: CreateBindingInputValue = { bindNum, recordFlag: form.recordFlag };
  if (virtualNum !== "") input.virtualNum = virtualNum;
  if (extendNum !== "") input.extendNum = extendNum;
  if (areaCode !== "") input.areaCode = areaCode;
  if (form.areaMatchMode !== "") input.areaMatchMode = form.areaMatchMode;
  if (form.displayNumMode !== "") input.displayNumMode = form.displayNumMode;
  if (bindExpiredTime !== "") input.bindExpiredTime = Number(bindExpiredTime);
  if (callbackExpiredTime !== "") input.callbackExpiredTime = Number(callbackExpiredTime);
  if (bindExpiredTime !== "" || callbackExpiredTime !== "") input.timeUnit = form.timeUnit;
  if (userData !== "") input.userData = userData;
  if (callbackNum !== "") input.callbackNum = callbackNum;
  if (callbackTone !== "") input.callbackTone = callbackTone;
  if (recordHintTone !== "") input.recordHintTone = recordHintTone;
  return { ok: true, input };
}

/** What a binding holds that the modify form starts from. */
export interface ModifiableBinding {
  subscriptionId: string;
  recordFlag: boolean;
  timeUnit: TimeUnitValue;
  userData: string | null;
  callbackNum: string | null;
  callbackTone: string | null;
}

/** What the modify form holds. An empty lifetime leaves the binding's expiry as it is. */
export interface ModifyBindingForm {
  recordFlag: boolean;
  bindExpiredTime: string;
  timeUnit: TimeUnitValue;
  userData: string;
  callbackNum: string;
  callbackTone: string;
  callbackExpiredTime: string;
}

/** The modify form as it opens for `binding`: its current values, no new lifetime. */
export function modifyFormOf(binding: ModifiableBinding): ModifyBindingForm {
  return {
    recordFlag: binding.recordFlag,
    bindExpiredTime: "",
    timeUnit: binding.timeUnit,
    userData: binding.userData ?? "",
    callbackNum: binding.callbackNum ?? "",
    callbackTone: binding.callbackTone ?? "",
    callbackExpiredTime: "",
  };
}

/** The `UpdateBindingInput` the form becomes: the binding by subscriptionId and only what changed. */
export interface UpdateBindingInputValue {
  subscriptionId: string;
  recordFlag?: boolean;
  bindExpiredTime?: number;
  callbackExpiredTime?: number;
  timeUnit?: TimeUnitValue;
  userData?: string;
  /** "" clears it on the platform. */
  callbackNum?: string;
  /** "" clears it on the platform. */
  callbackTone?: string;
}

/**
 * Check the modify form against the binding it opened for, the way the gateway would (validateChanges): only
 * changed fields are sent, at least one must change, a callback number and tone exclude each other.
 */
export function checkModifyForm(
  binding: ModifiableBinding,
  form: ModifyBindingForm,
): Checked<UpdateBindingInputValue> {
  const errors: FieldErrors = {};
  const input: UpdateBindingInputValue = { subscriptionId: binding.subscriptionId };
  const bindExpiredTime = form.bindExpiredTime.trim();
  const callbackExpiredTime = form.callbackExpiredTime.trim();
  const callbackNum = form.callbackNum.trim();
  const callbackTone = form.callbackTone.trim();

  if (form.recordFlag !== binding.recordFlag) input.recordFlag = form.recordFlag;
  if (bindExpiredTime !== "") {
    errors.bindExpiredTime = checkLifetime(bindExpiredTime);
    input.bindExpiredTime = Number(bindExpiredTime);
  }
  if (callbackExpiredTime !== "") {
    errors.callbackExpiredTime = checkLifetime(callbackExpiredTime);
    input.callbackExpiredTime = Number(callbackExpiredTime);
  }
  if (bindExpiredTime !== "" || callbackExpiredTime !== "") input.timeUnit = form.timeUnit;
  else if (form.timeUnit !== binding.timeUnit) {
    errors.timeUnit = "A new unit needs a new lifetime to go with it";
  }
  if (form.userData !== (binding.userData ?? "")) {
    errors.userData =
      form.userData === "" ? "The platform cannot clear userData" : checkUserData(form.userData);
    input.userData = form.userData;
  }
  if (callbackNum !== (binding.callbackNum ?? "")) {
    if (callbackNum !== "") errors.callbackNum = checkPhoneNumber(callbackNum);
    input.callbackNum = callbackNum;
  }
  if (callbackTone !== (binding.callbackTone ?? "")) {
    if (callbackTone !== "") errors.callbackTone = checkTone(callbackTone);
    input.callbackTone = callbackTone;
  }
  if (callbackNum !== "" && callbackTone !== "" && !errors.callbackNum) {
    errors.callbackNum = "Give a callback number or a callback tone, not both (empty one to clear it)";
  }
  const bind = Number(bindExpiredTime);
  const callback = Number(callbackExpiredTime);
  if (bindExpiredTime !== "" && callbackExpiredTime !== "" && bind > 0 && callback > bind) {
    errors.callbackExpiredTime ??= "Must not exceed the binding's lifetime";
  }

  const problems = withoutEmpty(errors);
  if (Object.keys(problems).length > 0) return { ok: false, errors: problems };
  if (Object.keys(input).length === 1) return { ok: false, errors: { form: "Change at least one field" } };
  return { ok: true, input };
}

function withoutEmpty(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message !== undefined));
}
