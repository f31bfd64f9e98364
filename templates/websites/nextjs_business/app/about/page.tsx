import type { Metadata } from 'next';
import { site } from '../site';

export const metadata: Metadata = { title: 'About' };

export default function AboutPage() {
  return (
    <>
      <section id="about" aria-labelledby="about-heading">
        <h2 id="about-heading">About {site.name}</h2>
        <p>{site.description || site.tagline || site.name}</p>
      </section>
    </>
  );
}
