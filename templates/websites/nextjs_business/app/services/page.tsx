import type { Metadata } from 'next';
import { site } from '../site';

export const metadata: Metadata = { title: 'Services' };

export default function ServicesPage() {
  return (
    <>
      <section id="services" aria-labelledby="services-heading">
        <h2 id="services-heading">Services</h2>
        {site.tagline ? <p>{site.tagline}</p> : null}
        <ul className="cards">
          <li className="card"><h3>Consultation</h3><p>We listen first and plan with you.</p></li>
          <li className="card"><h3>Delivery</h3><p>We do the work, on time and in the open.</p></li>
          <li className="card"><h3>Support</h3><p>We stay with you after launch.</p></li>
        </ul>
      </section>
    </>
  );
}
