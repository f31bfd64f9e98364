export function ContactForm({ siteId }: { siteId: string }) {
  return (
    <section id="contact" className="contact" aria-labelledby="contact-heading">
      <h2 id="contact-heading">Contact</h2>
      <form className="contact-form" method="post" action={`/api/v1/sites/${siteId}/contact`}>
        <div className="field">
          <label htmlFor="contact-name">Name</label>
          <input id="contact-name" name="name" type="text" autoComplete="name" maxLength={200} required />
        </div>
        <div className="field">
          <label htmlFor="contact-email">Email</label>
          <input id="contact-email" name="email" type="email" autoComplete="email" maxLength={254} required />
        </div>
        <div className="field">
          <label htmlFor="contact-phone">Phone (optional)</label>
          <input id="contact-phone" name="phone" type="tel" autoComplete="tel" maxLength={40} />
        </div>
        <div className="field">
          <label htmlFor="contact-company">Company (optional)</label>
          <input id="contact-company" name="company" type="text" autoComplete="organization" maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="contact-message">Message</label>
          <textarea id="contact-message" name="message" rows={5} maxLength={5000} required />
        </div>
        <button type="submit">Send message</button>
      </form>
    </section>
  );
}
