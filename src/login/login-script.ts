/**
 * The pages' only script, served from assets/login.js (the CSP allows no inline script). The
 * forms work without it; it only keeps a form from being sent twice and formats device codes.
 */
export const LOGIN_SCRIPT = `'use strict';
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (form.dataset.sent === '1') { event.preventDefault(); return; }
  form.dataset.sent = '1';
  setTimeout(function () { delete form.dataset.sent; }, 5000);
});
var code = document.getElementById('userCode');
if (code) code.addEventListener('input', function () {
  var raw = code.value.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8);
  code.value = raw.length > 4 ? raw.slice(0, 4) + '-' + raw.slice(4) : raw;
});
`;
