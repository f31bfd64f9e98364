import { ContactForm } from './contact-form';
import { site } from './site';

export default function HomePage() {
  return (
    <>
      <section id="home" className="hero" aria-labelledby="home-heading">
        <h1 id="home-heading">{site.name}</h1>
        {site.tagline ? <p className="tagline">{site.tagline}</p> : null}
        {site.description ? <p className="lead">{site.description}</p> : null}
        {site.pages.includes('contact') ? <p><a className="button" href="/contact/">Get in touch</a></p> : null}
      </section>
      {site.pages.includes('contact') ? null : <ContactForm siteId={site.domain} />}
    </>
  );
}
