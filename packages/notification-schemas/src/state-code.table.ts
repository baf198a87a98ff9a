import { type CodeInfo, type CodeLookup, lookupInteger } from "./code-table.js";

/** The groups of Huawei's hang-up reason table (docs/axe-platform.md §11.1). */
export type StateCodeCategory =
  | "normal"
  | "binding"
  | "caller"
  | "number"
  | "callee"
  | "tenant"
  | "control"
  | "platform"
  | "network";

/** An entry of the `stateCode` table. */
export interface StateCodeInfo extends CodeInfo {
  /** The group Huawei files the code under. */
  readonly category: StateCodeCategory;
}

/** The Chinese names of the {@link StateCodeCategory} groups, as Huawei's table heads them. */
export const STATE_CODE_CATEGORY_ZH: Readonly<Record<StateCodeCategory, string>> = {
  normal: "正常",
  binding: "绑定关系",
  caller: "主叫",
  number: "号码",
  callee: "被叫",
  tenant: "租户",
  control: "管控",
  platform: "平台",
  network: "网络",
};

const entry = (category: StateCodeCategory, description: string, zh: string): StateCodeInfo => ({
  category,
  description,
  zh,
});

/**
 * Hang-up reasons carried by `disconnect` as `stateCode` (docs/axe-platform.md §11.1, the complete published
 * table, plus 7103 and 7104 from an older copy of it).
 */
export const STATE_CODES = {
  0: entry("normal", "Normal hang-up after the call was connected", "接通后主动挂机"),
  8013: entry(
    "binding",
    "Invalid AX call: an AX binding exists but there is no temporary callee",
    "无效AX模式呼叫(存在AX绑定,但无临时被叫)",
  ),
  8014: entry(
    "binding",
    "Invalid AXB/X call (no binding, bad number format, …)",
    "无效AXB/X模式呼叫(绑定关系不存在,号码格式错误等)",
  ),
  8016: entry("binding", "AX/AXB call direction not allowed", "AX/AXB模式呼叫方向不允许"),
  8019: entry(
    "binding",
    "No callback record (AXE: A calls X; AX: A calls back via X)",
    "回呼记录不存在(AXE模式,A呼叫X场景;AX模式,A通过X回呼场景)",
  ),
  8022: entry(
    "binding",
    "Binding missing or expired (AXE: B calls X)",
    "绑定关系不存在或已过期(AXE模式,B呼X场景)",
  ),
  8030: entry("binding", "AXYB binding missing", "AXYB模式绑定关系不存在"),
  8031: entry(
    "binding",
    "AXYB: the Y number could not be allocated during the call",
    "呼叫过程中分配Y号码失败",
  ),
  7501: entry("caller", "Caller hung up before the callee rang", "被叫振铃前主叫挂机"),
  7502: entry("caller", "Caller hung up after the callee started ringing", "被叫振铃后主叫挂机"),
  7516: entry(
    "caller",
    "Caller hung up before forwarding (in AXE: before entering the extension)",
    "转接前主叫挂机(如AXE模式主叫未输入分机号即挂机)",
  ),
  8032: entry(
    "caller",
    "AXYB: the original number dialled its own privacy number",
    "AXYB模式呼叫过程中原号码拨打自己绑定的隐私号导致呼叫失败",
  ),
  8033: entry("caller", "Empty extension received", "收到的分机号为空"),
  8025: entry("number", "The dialled X number does not exist (AXE)", "呼叫的X号码不存在(AXE模式)"),
  7503: entry("callee", "Callee rejected the call", "被叫拒接"),
  7504: entry(
    "callee",
    "Call refused: the callee rejected it, has do-not-disturb or blacklist services, or the callee's phone blocked it",
    "呼叫被拒绝(被叫拒接、被叫开通了免打扰或黑名单业务,或被叫手机拦截)",
  ),
  8035: entry(
    "callee",
    "Platform connection timeout, about 90 s after forwarding",
    "平台接续超时(转接后约90秒)",
  ),
  8100: entry("callee", "Callee number does not exist", "被叫号码不存在"),
  8101: entry("callee", "No answer after ringing (carrier-side timeout)", "被叫振铃无应答(运营商侧超时)"),
  8102: entry("callee", "Callee busy (in a call, ringing, …)", "被叫忙(通话中、振铃中等)"),
  8103: entry(
    "callee",
    "Callee signal abnormal; the carrier could not reach the callee",
    "被叫信号异常,运营商无法接通被叫",
  ),
  8104: entry(
    "callee",
    "Callee powered off, in airplane mode or without network",
    "被叫关机、飞行模式或无网络",
  ),
  8105: entry("callee", "Callee's line suspended", "被叫停机"),
  7100: entry("tenant", "Application info does not exist", "应用信息不存在"),
  7101: entry("tenant", "Application has no privacy-number resources", "应用没有隐私号码资源"),
  7105: entry("tenant", "Service type mismatch", "业务类型不匹配"),
  7106: entry("tenant", "Application lacks the privacy-call capability", "应用没有隐私通话能力"),
  7108: entry("tenant", "User status frozen", "用户状态冻结"),
  7507: entry("tenant", "No announcement file", "无放音文件"),
  8006: entry("tenant", "X-mode announcement file does not exist", "X模式放音文件不存在"),
  8010: entry("tenant", "Hung up because the maximum call duration was exceeded", "超过最大通话时长挂机"),
  7001: entry("control", "Developer call-frequency control", "开发者呼叫频次管控"),
  7002: entry("control", "Application call-frequency control", "应用呼叫频次管控"),
  7003: entry("control", "Display-number call-frequency control", "显示号码呼叫频次管控"),
  7004: entry("control", "Callee blacklist control", "被叫黑名单管控"),
  7005: entry("control", "Caller blacklist control", "主叫黑名单管控"),
  7107: entry("control", "Failed to play the security-control tone", "安全管控提示音播放失败"),
  7109: entry("control", "Tenant voice ports exhausted", "租户语音端口不足"),
  7500: entry("control", "Call prefix restricted", "呼叫前缀受限"),
  8018: entry("control", "No service permission (includes: no AX binding)", "无业务权限(包括无AX绑定)"),
  8023: entry("control", "Fixed-line numbers may not be the caller", "不允许固话号码作为主叫号码"),
  8024: entry("control", '"Show real caller number" mode not allowed', "不允许使用显示真实主叫号码模式"),
  8042: entry("control", "International inbound calls restricted", "国际呼入受限"),
  8043: entry("control", "International outbound calls restricted", "国际呼出受限"),
  8044: entry("control", "Abnormal call-duration control", "异常通话时长管控"),
  8046: entry("control", "Abnormal answer-rate control", "异常接通率管控"),
  8047: entry("control", "Caller call-frequency control", "主叫呼叫频次管控"),
  8048: entry("control", "Callee call-frequency control", "被叫呼叫频次管控"),
  8049: entry("control", "Service-number call-frequency control", "业务号码呼叫频次管控"),
  8050: entry("control", "Calling-hours restriction", "呼叫时段限制"),
  8051: entry("control", "Sub-enterprise suspended", "子企业已暂停"),
  8055: entry(
    "control",
    "X number unavailable (calls and SMS disabled)",
    "X号码不可用(通话和短信功能已禁用)",
  ),
  8056: entry("control", "Dial-test number control", "拨测号码管控"),
  8057: entry("control", "Call-direction control", "呼叫方向管控"),
  522: entry("platform", "Platform voice ports exhausted", "平台语音端口不足"),
  8007: entry("platform", "Last-minute warning tone failed", "最后一分钟提示音播放失败"),
  8008: entry("platform", "Prompt and digit collection failed", "放音收号失败"),
  8015: entry("platform", "Recording failed", "录音失败"),
  8041: entry("platform", "Recording failed", "录音失败"),
  7102: entry(
    "platform",
    "Other abnormal behaviour (an older table: internal service error)",
    "其他异常(旧表:内部服务错误)",
  ),
  7103: entry("platform", "Caller number information missing (older table)", "主叫号码信息不存在(旧表)"),
  7104: entry("binding", "AX binding missing (older table)", "AX绑定关系不存在(旧表)"),
  8011: entry("platform", "Other abnormal behaviour", "其他异常"),
  8020: entry("platform", "Other abnormal behaviour", "其他异常"),
  8040: entry("platform", "Other abnormal behaviour", "其他异常"),
  8139: entry("platform", "Other abnormal behaviour", "其他异常"),
  7505: entry("network", "Caller-side network error", "主叫侧网络异常"),
  7506: entry(
    "network",
    "Callee-side network error (e.g. the bound number has a bad format)",
    "被叫侧网络异常(如绑定号码格式错误)",
  ),
  7508: entry("network", "Routing failed", "路由失败"),
} as const satisfies Record<number, StateCodeInfo>;

/** A documented `stateCode`. */
export type StateCode = keyof typeof STATE_CODES;

/** Describes a hang-up reason (`disconnect.stateCode`); `{ code, known: false }` for a code not in the table. */
export function describeStateCode(code: number | string): CodeLookup<number, StateCodeInfo> {
  return lookupInteger<StateCodeInfo>(STATE_CODES, code);
}
