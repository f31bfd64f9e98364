import type { Metadata } from 'next';
import { ContactForm } from '../contact-form';
import { site } from '../site';

export const metadata: Metadata = { title: 'Contact' };

export default function ContactPage() {
  return (
    <>
      <ContactForm siteId={site.domain} />
    </>
  );
}
