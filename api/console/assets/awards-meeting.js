// The team meeting slides: the arrow keys, Page Up/Down and the space bar move between slides
// (the previous / next links work without this file).
document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  const forward = ['ArrowRight', 'PageDown', ' '].includes(event.key);
  const back = ['ArrowLeft', 'PageUp'].includes(event.key);
  if (!forward && !back) return;
  const link = document.querySelector(forward ? '.slide-nav a[data-key="next"]' : '.slide-nav a[data-key="prev"]');
  if (link instanceof HTMLAnchorElement) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});
