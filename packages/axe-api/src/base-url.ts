/** The current access address of the platform (docs/axe-platform.md §1.1). */
export const DEFAULT_BASE_URL = "https://rtcpns.cn-north-1.myhuaweicloud.com";

/**
 * Normalise a base URL (scheme, host, optional port, optional path prefix) into the string that interface
 * URIs are appended to. Throws a `TypeError` naming `baseUrl` when it is not an absolute http(s) URL or when it
 * carries credentials, a query or a fragment (all of which would be silently mangled).
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(
      "baseUrl must be an absolute URL such as https://rtcpns.cn-north-1.myhuaweicloud.com",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new TypeError("baseUrl must use https (or http)");
  if (url.username || url.password) throw new TypeError("baseUrl must not contain credentials");
  if (url.search || url.hash) throw new TypeError("baseUrl must not contain a query or fragment");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
