import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { href, label, site } from './site';

export const metadata: Metadata = {
  title: { default: site.tagline ? `${site.name} – ${site.tagline}` : site.name, template: `%s – ${site.name}` },
  description: site.description || site.tagline || site.name,
  metadataBase: new URL(`https://${site.domain}`),
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang={site.language}>
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="site-header">
          <div className="brand">
            {site.logoUrl ? <img className="logo" src={site.logoUrl} alt={`${site.name} logo`} width={48} height={48} /> : null}
            <a className="brand-name" href="/">{site.name}</a>
          </div>
          <nav aria-label="Main">
            <ul>
              {site.pages.map((page) => (
                <li key={page}><a href={href(page)}>{label(page)}</a></li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>{site.name}</p>
          {site.contactEmail ? <p><a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a></p> : null}
          {site.contactPhone ? <p><a href={`tel:${site.contactPhone.replace(/(?!^\+)[^0-9]/g, '')}`}>{site.contactPhone}</a></p> : null}
          <p>{site.domain}</p>
        </footer>
      </body>
    </html>
  );
}
