import type { Metadata } from 'next';
import { site } from '../site';

export const metadata: Metadata = { title: 'Blog' };

export default function BlogPage() {
  return (
    <>
      <section id="blog" aria-labelledby="blog-heading">
        <h2 id="blog-heading">Blog</h2>
        <p>News from {site.name} will appear here.</p>
      </section>
    </>
  );
}
