import { type CodeInfo, type CodeLookup, lookupInteger } from "./code-table.js";

const entry = (description: string, zh: string): CodeInfo => ({ description, zh });

/**
 * Teardown points carried by CDRs as `ulFailReason` (docs/axe-platform.md §11.3, published for PrivateNumber
 * up to 8101; Huawei's table has no 8000, 8001 or 8017 rows).
 */
export const UL_FAIL_REASONS = {
  0: entry("Normal hang-up after the call was connected", "接通后主动挂机"),
  522: entry("Voice ports insufficient", "语音端口不足"),
  7001: entry("Developer call-frequency control", "开发者呼叫频次管控"),
  7002: entry("Application call-frequency control", "应用呼叫频次管控"),
  7003: entry("Display-number call-frequency control", "显示号码呼叫频次管控"),
  7004: entry("Callee blacklist control", "被叫黑名单管控"),
  7005: entry("Caller blacklist control", "主叫黑名单管控"),
  7100: entry("Application info does not exist", "应用信息不存在"),
  7101: entry("Application has no privacy-number resources", "应用没有隐私号码资源"),
  7102: entry("Internal service error", "内部服务错误"),
  7103: entry("Caller number info does not exist", "主叫号码信息不存在"),
  7104: entry("AX binding does not exist", "AX绑定关系不存在"),
  7105: entry("Service type mismatch", "业务类型不匹配"),
  7106: entry("Application lacks the privacy-call capability", "应用没有隐私通话能力"),
  7107: entry("Security-control tone failed to play", "安全管控提示音播放失败"),
  7108: entry("User status frozen", "用户状态冻结"),
  7109: entry("Voice ports insufficient", "语音端口不足"),
  7500: entry("Call prefix restricted", "呼叫前缀受限"),
  7501: entry("Caller hung up before the callee rang", "被叫振铃前主叫挂机"),
  7502: entry("Caller hung up after the callee started ringing", "被叫振铃后主叫挂机"),
  7503: entry("Callee hung up", "被叫挂机"),
  7504: entry("Call rejected", "呼叫被拒绝"),
  7505: entry("Caller-side network error", "主叫侧网络异常"),
  7506: entry(
    "Callee-side network error (e.g. the bound number has a bad format)",
    "被叫侧网络异常(如绑定号码格式错误)",
  ),
  7507: entry("No announcement file", "无放音文件"),
  7508: entry("Routing failed", "路由失败"),
  7516: entry(
    "Caller hung up before forwarding, e.g. in AXE without entering the extension (not a platform-issued terminate)",
    "转接前主叫挂机(如AXE模式主叫未输入分机号即挂机,非平台下发的终止呼叫)",
  ),
  8002: entry(
    "Far end returned a failure announcement while connecting the user",
    "接续用户时对端返回失败提示音",
  ),
  8003: entry("User ringing timeout", "用户振铃超时"),
  8004: entry("User hung up while ringing", "用户振铃时挂机"),
  8005: entry("TTS conversion failed", "TTS转换失败"),
  8006: entry("Announcement file does not exist", "放音文件不存在"),
  8007: entry("Playing an announcement to the user failed", "对用户放音失败"),
  8008: entry("Prompt-and-collect to the user failed", "对用户放音收号失败"),
  8009: entry("Caller hung up before the call was connected", "呼叫接通前主叫挂机"),
  8010: entry("Maximum call duration exceeded", "超过最大通话时长"),
  8011: entry("Internal error", "内部错误"),
  8040: entry("Internal error", "内部错误"),
  8012: entry("Invalid app_key", "无效的app_key"),
  8013: entry(
    "Invalid AX call (AX binding present, no temporary callee)",
    "无效AX模式呼叫(存在AX绑定,但无临时被叫)",
  ),
  8014: entry("Invalid AXB call", "无效AXB模式呼叫"),
  8015: entry("Recording the user failed", "对用户录音失败"),
  8041: entry("Recording the user failed", "对用户录音失败"),
  8016: entry("AX/AXB call direction not allowed", "AX/AXB模式呼叫方向不允许"),
  8018: entry("No service permission (includes: no AX binding)", "无业务权限(包括无AX绑定)"),
  8019: entry("No callback record (AXE/AX: A calls X)", "回呼记录不存在(AXE/AX模式,A呼叫X场景)"),
  8020: entry("Service exception", "业务异常"),
  8022: entry(
    "Binding does not exist or has expired (AXE: B calls X)",
    "绑定关系不存在或已过期(AXE模式,B呼X场景)",
  ),
  8023: entry("Fixed-line numbers may not be the caller", "不允许固话号码作为主叫号码"),
  8024: entry('"Show real caller number" mode not allowed', "不允许使用显示真实主叫号码模式"),
  8025: entry("The dialled X number does not exist (AXE)", "呼叫的X号码不存在(AXE模式)"),
  8033: entry("Empty extension received", "收到的分机号为空"),
  8035: entry("Callee did not answer; ringing timed out", "被叫未接听,振铃超时"),
  8042: entry("International inbound calls restricted", "国际呼入受限"),
  8043: entry("International outbound calls restricted", "国际呼出受限"),
  8044: entry("Abnormal call-duration control", "异常通话时长管控"),
  8046: entry("Abnormal answer-rate control", "异常接通率管控"),
  8047: entry("Caller call-frequency control", "主叫呼叫频次管控"),
  8048: entry("Callee call-frequency control", "被叫呼叫频次管控"),
  8049: entry("Service-number call-frequency control", "业务号码呼叫频次管控"),
  8050: entry("Calling-hours restriction", "呼叫时段限制"),
  8051: entry("Sub-enterprise suspended", "子企业已暂停"),
  8055: entry(
    "X number has no call and SMS permission; check the X number's status",
    "X号码无通话和短信权限,请检查X号码状态",
  ),
  8056: entry("Dial-test number control", "拨测号码管控"),
  8057: entry("Call-direction control", "呼叫方向管控"),
  8058: entry("Practitioner not real-name verified", "从业人员未实名认证"),
  8059: entry("Carrier interception", "运营商拦截"),
  8100: entry("Callee number does not exist", "被叫号码不存在"),
  8101: entry("Callee did not answer (the rest of Huawei's text was not recovered)", "被叫未接听"),
} as const satisfies Record<number, CodeInfo>;

/** A documented `ulFailReason`. */
export type UlFailReason = keyof typeof UL_FAIL_REASONS;

/** Describes a teardown point (`ulFailReason`); `{ code, known: false }` for one not in the table. */
export function describeUlFailReason(code: number | string): CodeLookup<number, CodeInfo> {
  return lookupInteger(UL_FAIL_REASONS, code);
}
