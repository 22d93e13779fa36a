/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Lang, T, WordKey } from './i18n';

export interface ViewCtx {
  t: T;
  lang: Lang;
  /** The path and query of this page (for the language switch and the pager). */
  path: string;
  query: URLSearchParams;
  session?: { email: string; csrf: string };
  now: number;
}

const NAV: Array<[string, WordKey]> = [
  ['/operator/instances', 'navInstances'], ['/operator/activations', 'navActivations'], ['/operator/calls', 'navCalls'],
  ['/operator/pending', 'navPending'], ['/operator/mail', 'navMail'], ['/operator/audit', 'navAudit'],
  ['/operator/actions', 'navActions'], ['/operator/links', 'navLinks'],
];

/** The same page with some query parameters changed (undefined removes one). */
export function withQuery(v: ViewCtx, change: Record<string, string | undefined>): string {
  const q = new URLSearchParams(v.query);
  for (const [k, val] of Object.entries(change)) {
    if (val === undefined || val === '') q.delete(k);
    else q.set(k, val);
  }
  const s = q.toString();
  return s ? `${v.path}?${s}` : v.path;
}

export function Layout({ v, title, children }: { v: ViewCtx; title: string; children?: Child }) {
  const { t } = v;
  return (
    <html lang={v.lang === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · ${t('title')}`}</title>
        <link rel="stylesheet" href="/operator/assets/console.css" />
      </head>
      <body>
        <header>
          <strong class="brand">{t('title')}</strong>
          {v.session && (
            <nav>
              {NAV.map(([href, key]) => (
                <a href={href} class={v.path.startsWith(href) ? 'current' : undefined}>{t(key)}</a>
              ))}
            </nav>
          )}
          <span class="spacer" />
          <span class="langs">
            <a href={withQuery(v, { lang: 'en' })} lang="en">English</a> · <a href={withQuery(v, { lang: 'zh' })} lang="zh-CN">中文</a>
          </span>
          {v.session && (
            <form method="post" action="/operator/sign-out" class="sign-out">
              <span>{t('signedInAs')} <b>{v.session.email}</b></span>
              <input type="hidden" name="_csrf" value={v.session.csrf} />
              <button type="submit">{t('signOut')}</button>
            </form>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** `param`: the cursor's query parameter (a page with two lists pages each with its own). */
export function Pager({ v, next, param = 'after' }: { v: ViewCtx; next: string | null; param?: string }) {
  return (
    <p class="pager">
      {v.query.has(param) && <a href={withQuery(v, { [param]: undefined })}>{v.t('first')}</a>}
      {next !== null && <a href={withQuery(v, { [param]: next })} rel={param === 'after' ? 'next' : undefined}>{v.t('next')}</a>}
    </p>
  );
}

export function Csrf({ v }: { v: ViewCtx }) {
  return <input type="hidden" name="_csrf" value={v.session?.csrf ?? ''} />;
}

export function Field({ label, name, value, placeholder }: { label: string; name: string; value?: string | null; placeholder?: string }) {
  return (
    <label>
      {label}
      <input name={name} value={value ?? ''} placeholder={placeholder} maxlength={200} />
    </label>
  );
}

export function Select({ label, name, value, options }: { label: string; name: string; value?: string | null; options: Array<[string, string]> }) {
  return (
    <label>
      {label}
      <select name={name}>
        {options.map(([val, text]) => <option value={val} selected={val === (value ?? '')}>{text}</option>)}
      </select>
    </label>
  );
}

/** A GET form keeping the language; the filter fields are its children. */
export function FilterForm({ v, children }: { v: ViewCtx; children?: Child }) {
  return (
    <form method="get" action={v.path} class="filters">
      {children}
      <button type="submit">{v.t('filter')}</button>
      <a href={v.path}>{v.t('clear')}</a>
    </form>
  );
}
