// Submits the contact form without leaving the page and shows the result.
document.querySelector('#contact-form form')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)) });
  form.insertAdjacentHTML('afterend', response.ok ? '<p>Thank you, we will get back to you.</p>' : '<p>Sorry, that did not work.</p>');
});
