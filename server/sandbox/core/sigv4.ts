/** Reads the region and signing service from a SigV4 Authorization header's credential scope. */
export interface Scope {
  accessKeyId?: string;
  region?: string;
  service?: string;
}

export function credentialScope(authorization: string | undefined): Scope {
  if (!authorization) return {};
  const match = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (!match) return {};
  return { accessKeyId: match[1], region: match[3], service: match[4] };
}
