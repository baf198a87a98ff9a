import { type CodeInfo, type CodeLookup, lookupInteger } from "./code-table.js";

const entry = (description: string, zh: string): CodeInfo => ({ description, zh });

/**
 * Q.850 cause values as Huawei publishes them for `fwdUnaswRsn` and `callOutUnaswRsn`
 * (docs/axe-platform.md §11.2). The English follows Huawei's wording; ITU names are added in parentheses
 * where they differ.
 */
export const Q850_CAUSES = {
  0: entry("Not applicable", "不涉及"),
  1: entry("Number not found (unallocated)", "无法找到号码"),
  2: entry("No route to network", "无法路由到网络"),
  3: entry("No route to destination", "无法路由到目的地"),
  4: entry("Special information tone sent", "发送特殊消息"),
  5: entry("Trunk prefix error", "中继前缀出错"),
  6: entry("Channel unacceptable", "通道无法接入"),
  7: entry("Channel already established (call awarded)", "已经建立频道"),
  8: entry("Preemption", "抢先占有"),
  9: entry("Preemption, circuit reserved", "抢先占有保留"),
  16: entry("Normal call clearing", "正常呼叫清除"),
  17: entry("User busy", "用户忙"),
  18: entry("No answer (no user responding)", "无应答"),
  19: entry("No user answer (alerted, no answer)", "无用户应答"),
  20: entry("Subscriber absent / unreachable", "用户缺席"),
  21: entry("Call rejected", "呼叫拒绝"),
  22: entry("Number changed", "号码改变"),
  23: entry("Redirection", "重定向"),
  25: entry("Exchange routing error", "交换路由错误"),
  26: entry("Non-selected user clearing", "非选择用户清除"),
  27: entry("Destination out of order", "目的地故障"),
  28: entry("Invalid number format", "无效号码格式"),
  29: entry("Facility rejected", "设施被拒绝"),
  30: entry("Response to status enquiry", "对状态询问的响应"),
  31: entry("Normal, unspecified", "正常,未指定"),
  34: entry("No route / circuit available", "无电路/通道可用"),
  38: entry("Network out of order", "网络故障"),
  39: entry("Service link down", "服务链路中断"),
  40: entry("Connection in progress", "连接进行中"),
  41: entry("Temporary failure", "临时故障"),
  42: entry("Equipment congestion", "设备拥塞"),
  43: entry("Information discarded", "信息被丢弃"),
  44: entry("Channel cannot be accessed (ITU: requested circuit/channel not available)", "通道无法访问"),
  46: entry("Call blocked", "呼叫被阻止"),
  47: entry("No resource available", "无可用资源"),
  49: entry("Quality of service unavailable", "服务质量不可用"),
  50: entry("Facility not subscribed", "设施未订阅"),
  53: entry("Closed user group: outgoing calls barred (OCB)", "闭合用户群禁止呼出"),
  55: entry("Closed user group: incoming calls barred (ICB)", "闭合用户群禁止呼入"),
  57: entry('Bearer capability not authorized ("no permission to send")', "无权发送"),
  58: entry('Bearer capability not available ("send invalid")', "发送无效"),
  62: entry("Inconsistent class/designation", "类别不一致"),
  63: entry("Service/option not available", "业务或选项不可用"),
  65: entry("Bearer capability not implemented", "承载能力未实现"),
  66: entry("Channel type not implemented", "通道类型未实现"),
  69: entry("Facility not implemented", "设施未实现"),
  70: entry('Only restricted digital info available ("send valid")', "发送有效"),
  79: entry("Service/option not implemented", "业务或选项未实现"),
  81: entry("Invalid call reference value", "无效的呼叫参考值"),
  82: entry("Channel does not exist", "通道不存在"),
  83: entry("Call identity does not exist", "呼叫标识不存在"),
  84: entry("Call ID does not exist (ITU: call identity in use)", "呼叫ID不存在"),
  85: entry("No call waiting (ITU: no call suspended)", "无呼叫等待"),
  86: entry("Hidden-number call (ITU: call with the requested identity has been cleared)", "隐藏号码呼叫"),
  87: entry("Closed user group has no member (ITU: user not member of CUG)", "闭合用户群无成员"),
  88: entry("Destination conflict (ITU: incompatible destination)", "目的地冲突"),
  90: entry("Closed user group does not exist", "闭合用户群不存在"),
  91: entry("Invalid network (ITU: invalid transit network selection)", "无效网络"),
  95: entry("Invalid information (ITU: invalid message, unspecified)", "无效信息"),
  96: entry("Unmanaged element (ITU: mandatory information element missing)", "未管理的元素"),
  97: entry("Message type non-existent", "消息类型不存在"),
  98: entry("Message not compatible / not executed", "消息不兼容或未执行"),
  99: entry("Information element non-existent", "信息元素不存在"),
  100: entry("Invalid information element contents", "信息元素内容无效"),
  101: entry("Message not compatible with call state", "消息与呼叫状态不兼容"),
  102: entry("Recovery on timer expiry", "定时器超时恢复"),
  103: entry("Parameter non-existent", "参数不存在"),
  110: entry("Message with unrecognized parameter", "消息含有无法识别的参数"),
  111: entry("Protocol error", "协议错误"),
  127: entry("Interworking, unspecified", "互通,未指定"),
} as const satisfies Record<number, CodeInfo>;

/** A documented Q.850 cause value. */
export type Q850Cause = keyof typeof Q850_CAUSES;

/** Describes a Q.850 cause (`fwdUnaswRsn`, `callOutUnaswRsn`); `{ code, known: false }` for one not in the table. */
export function describeQ850Cause(code: number | string): CodeLookup<number, CodeInfo> {
  return lookupInteger(Q850_CAUSES, code);
}
