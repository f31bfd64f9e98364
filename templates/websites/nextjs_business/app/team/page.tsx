import type { Metadata } from 'next';
import { site } from '../site';

export const metadata: Metadata = { title: 'Team' };

export default function TeamPage() {
  return (
    <>
      <section id="team" aria-labelledby="team-heading">
        <h2 id="team-heading">Team</h2>
        <p>The people behind {site.name}.</p>
      </section>
    </>
  );
}
