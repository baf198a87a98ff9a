import { BlockList, isIP } from "node:net";

/** Finds who sent a request: the peer, or the client a trusted proxy names in `X-Forwarded-For`. */
export type ClientAddressResolver = (peer: string | undefined, forwardedFor: string | null) => string | null;

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:10.0.0.1`), otherwise the address as given. */
function unmapped(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return address;
}

/** `node:net`'s BlockList holding `entries` (IPs and CIDRs, as validated by `isAddressOrRange`). */
function trustedList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/**
 * The client address of a request, as rate limits and kept refusals see it. It is the TCP peer's address,
 * unless the peer is one of `trustedProxies` (`TRUSTED_PROXIES`): then the `X-Forwarded-For` chain is read
 * from the right (the hop the trusted proxy appended) and the first address that is not itself a trusted
 * proxy is the client; what lies further left was written by that client and proves nothing. A malformed
 * entry stops the walk at the last trusted hop. Without trusted proxies the header is never read. Resolves
 * null when the peer is unknown (a request handed over in-process).
 */
export function createClientAddressResolver(trustedProxies: readonly string[]): ClientAddressResolver {
  if (trustedProxies.length === 0) return (peer) => (peer === undefined ? null : unmapped(peer));
  const trusted = trustedList(trustedProxies);
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
  };
  return (peer, forwardedFor) => {
    if (peer === undefined) return null;
    let client = unmapped(peer);
    if (!isTrusted(client) || !forwardedFor) return client;
    const hops = forwardedFor.split(",").map((hop) => unmapped(hop.trim()));
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = hops[index] ?? "";
      if (isIP(hop) === 0) return client;
      client = hop;
      if (!isTrusted(hop)) return client;
    }
    return client;
  };
}
