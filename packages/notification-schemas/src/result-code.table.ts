import { type CodeInfo, type CodeLookup, echoCode, toIntegerCode } from "./code-table.js";

/** An entry of the API result-code table. */
export interface ResultCodeInfo extends CodeInfo {
  /** `resultdesc` as the docs write it is `description`; this says when the code occurs. */
  readonly meaning: string;
  /** HTTP status Huawei's tables state for the code; absent where they do not state one. */
  readonly httpStatus?: 200 | 400 | 401 | 403 | 500;
  /**
   * Other meanings of the same code, told apart by HTTP status (only 1010010: "Invalid digest." with 401,
   * platform flow control with 403).
   */
  readonly alternatives?: readonly ResultCodeInfo[];
}

const code = (
  httpStatus: ResultCodeInfo["httpStatus"],
  description: string,
  zh: string,
  meaning: string,
): ResultCodeInfo =>
  httpStatus === undefined ? { description, zh, meaning } : { description, zh, meaning, httpStatus };

/** `resultcode` values of the AXE APIs (docs/axe-platform.md §10), with `resultdesc` as `description`. */
export const RESULT_CODES = {
  "0": code(200, "Success.", "成功。", "Success"),
  "1023006": code(
    400,
    "Authorization not contained in the HTTP header.",
    "HTTP头中未携带Authorization。",
    "No Authorization header",
  ),
  "1023007": code(
    400,
    "realm not contained in Authorization.",
    "Authorization中未携带realm。",
    "realm missing",
  ),
  "1023008": code(
    400,
    "profile not contained in Authorization.",
    "Authorization中未携带profile。",
    "profile missing",
  ),
  "1023009": code(
    400,
    "The value of realm in Authorization must be SDP.",
    "Authorization中realm的取值必须为SDP。",
    "Wrong realm",
  ),
  "1023010": code(
    400,
    "The value of profile in Authorization must be UsernameToken.",
    "Authorization中profile的取值必须为UsernameToken。",
    "Wrong profile",
  ),
  "1023011": code(
    400,
    "The value of type in Authorization must be app_key.",
    "Authorization中type的取值必须为app_key。",
    "type is not Appkey",
  ),
  "1023012": code(400, "type not contained in Authorization.", "Authorization中未携带type。", "type missing"),
  "1023033": code(
    400,
    "HTTP header not found X-AKSK field.",
    "HTTP头中未携带X-AKSK字段。",
    "No X-AKSK header",
  ),
  "1023034": code(400, "UserName not contained in X-AKSK.", "X-AKSK中未携带UserName。", "Username missing"),
  "1023035": code(400, "Nonce not contained in X-AKSK.", "X-AKSK中未携带Nonce。", "Nonce missing"),
  "1023036": code(400, "Created not contained in X-AKSK.", "X-AKSK中未携带Created。", "Created missing"),
  "1023037": code(
    400,
    "PasswordDigest not contained in X-AKSK.",
    "X-AKSK中未携带PasswordDigest。",
    "PasswordDigest missing",
  ),
  "1023038": code(
    400,
    "UsernameToken not contained in X-AKSK.",
    "X-AKSK中未携带UsernameToken。",
    "The X-AKSK value lacks the UsernameToken prefix",
  ),
  "1023013": code(
    undefined,
    "WSSE not contained in Authorization.",
    "Authorization中未携带WSSE。",
    "Legacy WSSE scheme",
  ),
  "1023026": code(
    undefined,
    "X-WSSE not contained in the HTTP header.",
    "HTTP头中未携带X-WSSE。",
    "Legacy: no X-WSSE header",
  ),
  "1023027": code(
    undefined,
    "Username not contained in X-WSSE.",
    "X-WSSE中未携带Username。",
    "Legacy: Username missing",
  ),
  "1023028": code(
    undefined,
    "Nonce not contained in X-WSSE.",
    "X-WSSE中未携带Nonce。",
    "Legacy: Nonce missing",
  ),
  "1023029": code(
    undefined,
    "Created not contained in X-WSSE.",
    "X-WSSE中未携带Created。",
    "Legacy: Created missing",
  ),
  "1023030": code(
    undefined,
    "PasswordDigest not contained in X-WSSE.",
    "X-WSSE中未携带PasswordDigest。",
    "Legacy: PasswordDigest missing",
  ),
  "1023031": code(
    undefined,
    "The format of Created …",
    "Created的格式错误。",
    "Legacy: malformed Created (text truncated in the source)",
  ),
  "1010010": {
    ...code(401, "Invalid digest.", "摘要无效。", "PasswordDigest check failed"),
    alternatives: [
      code(
        403,
        "The flow control upper limit is reached on the platform.",
        "平台流控已达上限。",
        "Platform-wide flow control; retry after about a minute",
      ),
    ],
  },
  "1010013": code(401, "Time out limit.", "超出时间限制。", "Created is too far from the platform's clock"),
  "1010002": code(
    403,
    "Invalid request.",
    "非法请求。",
    "Invalid or missing parameter; resultdesc usually names it",
  ),
  "1010003": code(403, "Invalid app_key.", "无效的app_key。", "Unknown app_key"),
  "1010004": code(
    undefined,
    "The status of the app_key is unavailable.",
    "app_key状态不可用。",
    "App disabled",
  ),
  "1010008": code(
    403,
    "The status of the app_key is unavailable.",
    "app_key状态不可用。",
    "App disabled (used by some tables instead of 1010004)",
  ),
  "1010006": code(undefined, "Invalid Rest API.", "无效的Rest API。", "Wrong HTTP method or URI"),
  "1010029": code(
    403,
    "The subscriber status is frozen",
    "用户账号已冻结。",
    "X number frozen, or the account frozen for arrears",
  ),
  "1010040": code(
    403,
    "The app_key is not allowed to invoke the API.",
    "app_key没有调用本API的权限。",
    "The API's mode differs from the app's mode",
  ),
  "1011001": code(
    403,
    "Account does not exist.",
    "账号不存在。",
    "X is not a number of this app, or its format is wrong",
  ),
  "1011002": code(undefined, "Insufficient number of resources", "号码资源不足。", "Same as 1012008"),
  "1011004": code(
    403,
    "The number is not applied for binding application.",
    "号码未申请绑定应用。",
    "Unbind: the number is not the app's, + not escaped, or identifiers missing",
  ),
  "1011006": code(
    undefined,
    "Under traffic control status",
    "处于流控状态。",
    "The requesting IP or number is in traffic control; retry after about a minute",
  ),
  "1012001": code(
    403,
    "Resource of number is not to be applied.",
    "号码资源未申请。",
    "Number not applied for / not owned by the app",
  ),
  "1012007": code(
    403,
    "The record does not exist.",
    "记录不存在。",
    "Binding or recording not found (recordings are kept 7 days)",
  ),
  "1012008": code(
    403,
    "Insufficient number of resources",
    "号码资源不足。",
    "X at its binding limit, no idle X for areaCode, or the same binding submitted twice",
  ),
  "1012010": code(
    undefined,
    "The relation number has been bound.",
    "关系号码已绑定。",
    "AXB duplicate binding",
  ),
  "1012012": code(
    undefined,
    "Application does not open recording function.",
    "应用未开通录音功能。",
    "Recording download for an app without recording",
  ),
  "1012102": code(
    undefined,
    "The number status is abnormal.",
    "号码状态异常。",
    "X number abnormal (e.g. blacklisted after complaints)",
  ),
  "1013102": code(
    undefined,
    "The extend number has been bound.",
    "分机号已被绑定。",
    "Binding already exists (one A per X)",
  ),
  "1016001": code(undefined, "The record does not exist.", "记录不存在。", "Recording not found"),
  "1016002": code(
    undefined,
    "The record already …",
    "记录已存在。",
    "Record already exists (text truncated in the source)",
  ),
  "1020150": code(undefined, "The app_key is invalid.", "app_key无效。", "Invalid app_key"),
  "1020152": code(undefined, "Invalid sessionId.", "无效的sessionId。", "Termination APIs: unknown session"),
  "1020166": code(
    403,
    "The app client ip is not in ip white list.",
    "应用客户端IP不在IP白名单中。",
    "Caller IP not in the app's IP whitelist",
  ),
  "1020167": code(
    403,
    "No idle extend Number.",
    "无空闲分机号。",
    "The requested extendNum is already in use on that X",
  ),
  "1020176": code(
    403,
    "Authentication failed, try again later",
    "鉴权失败,稍后重试。",
    "IP blocked after repeated authentication failures; retry after 30 minutes",
  ),
  "1010001": code(500, "Internal system error.", "系统内部错误。", "Contact support"),
  "1023001": code(500, "Internal error.", "内部错误。", "Internal error"),
  "1023002": code(500, "Response timeout.", "响应超时。", "Resend once, then contact support"),
} as const satisfies Record<string, ResultCodeInfo>;

/** A documented `resultcode`. */
export type ResultCode = keyof typeof RESULT_CODES;

/**
 * Describes an API `resultcode`. Pass the HTTP status to tell apart the meanings of a code used twice
 * (1010010: "Invalid digest." with 401, flow control with 403). `{ code, known: false }` for an unknown code.
 */
export function describeResultCode(
  resultcode: string | number,
  httpStatus?: number,
): CodeLookup<string, ResultCodeInfo> {
  const numeric = toIntegerCode(resultcode);
  const key = numeric === undefined ? undefined : String(numeric);
  if (key === undefined || !Object.hasOwn(RESULT_CODES, key)) {
    return { code: key ?? echoCode(resultcode), known: false };
  }
  const main: ResultCodeInfo = RESULT_CODES[key as ResultCode];
  if (httpStatus !== undefined && main.httpStatus !== httpStatus && main.alternatives) {
    const match = main.alternatives.find((alternative) => alternative.httpStatus === httpStatus);
    if (match) return { code: key, known: true, ...match };
  }
  return { code: key, known: true, ...main };
}
