// Guance sites as data: hostnames are configuration, not code. Login hosts follow the console
// host with `auth` in place of `console`.
export const SITES = [
  { code: 'cn1', name: 'China 1 (Hangzhou)', nameZh: '中国区1（杭州）', provider: 'aliyun', consoleHost: 'console.guance.com' },
  { code: 'cn2', name: 'China 2 (Ningxia)', nameZh: '中国区2（宁夏）', provider: 'aws', consoleHost: 'aws-console.guance.com' },
  { code: 'cn4', name: 'China 4 (Guangzhou)', nameZh: '中国区4（广州）', provider: 'huaweicloud', consoleHost: 'cn4-console.guance.com' },
  { code: 'cn6', name: 'China 6 (Hong Kong)', nameZh: '中国区6（香港）', provider: 'aliyun', consoleHost: 'cn6-console.guance.one' },
  { code: 'us1', name: 'Americas 1 (Oregon)', nameZh: '美洲区1（俄勒冈）', provider: 'aws', consoleHost: 'us1-console.guance.com' },
  { code: 'eu1', name: 'Europe 1 (Frankfurt)', nameZh: '欧洲区1（法兰克福）', provider: 'aws', consoleHost: 'eu1-console.guance.one' },
  { code: 'ap1', name: 'Asia-Pacific 1 (Singapore)', nameZh: '亚太区1（新加坡）', provider: 'aws', consoleHost: 'ap1-console.guance.one' },
  { code: 'za1', name: 'Africa 1 (Johannesburg)', nameZh: '非洲区1（约翰内斯堡）', provider: 'aws', consoleHost: 'za1-console.guance.one' },
  { code: 'id1', name: 'Indonesia 1 (Jakarta)', nameZh: '印尼区1（雅加达）', provider: 'aws', consoleHost: 'id1-console.guance.one' },
] as const;

export type SiteCode = (typeof SITES)[number]['code'];
export const SITE_CODES = SITES.map((s) => s.code) as [SiteCode, ...SiteCode[]];

export interface Site {
  code: SiteCode;
  name: string;
  nameZh: string;
  provider: string;
  consoleUrl: string;
  loginUrl: string;
}

/** Login hosts follow the console pattern with `auth` in place of `console`. */
export function siteInfo(code: SiteCode): Site {
  const s = SITES.find((x) => x.code === code);
  if (!s) throw new Error(`unknown site ${code}`);
  return {
    code: s.code,
    name: s.name,
    nameZh: s.nameZh,
    provider: s.provider,
    consoleUrl: `https://${s.consoleHost}/`,
    loginUrl: `https://${s.consoleHost.replace('console', 'auth')}/login/pwd`,
  };
}

export const ALL_SITES: Site[] = SITES.map((s) => siteInfo(s.code));


/** The marketplace product code of Guance's Commercial Plan on the Alibaba Cloud Marketplace (China). */
export const GUANCE_PRODUCT_CODE = 'cmgj00053362';
