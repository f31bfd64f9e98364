// Submits the contact (or order) form without leaving the page and says how it went.
// Without JavaScript the form still posts normally.
for (const form of document.querySelectorAll('form.contact-form, form.checkout-form')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = form.querySelector('.form-status') || form.appendChild(Object.assign(document.createElement('p'), { className: 'form-status' }));
    status.setAttribute('role', 'status');
    try {
      const response = await fetch(form.action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(new FormData(form))) });
      status.textContent = response.ok ? 'Thank you, we will get back to you.' : response.status === 429 ? 'Too many messages; please try again in a minute.' : 'Please check the fields and try again.';
      if (response.ok) form.reset();
    } catch {
      status.textContent = 'Sorry, the message could not be sent.';
    }
  });
}
