/**
 * The pages' only script, served from assets/login.js (the CSP allows no inline script). The
 * forms work without it, except the WebAuthn ceremonies, which only a script can run. It keeps a
 * form from being sent twice, formats device codes, posts the SAML form on its own, marks the
 * password rules met as the user types, and runs navigator.credentials.get()/create().
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

// SAML HTTP-POST binding: the response goes to the service provider without a click.
var autoPost = document.getElementById('auto-post');
if (autoPost) autoPost.submit();

// Password rules, met or not, while typing (the server checks them again).
document.querySelectorAll('ul.complexity[data-for]').forEach(function (list) {
  var field = document.getElementById(list.getAttribute('data-for'));
  if (!field) return;
  var tests = {
    upper: function (v) { return /[A-Z]/.test(v); },
    lower: function (v) { return /[a-z]/.test(v); },
    number: function (v) { return /[0-9]/.test(v); },
    symbol: function (v) { return /[^A-Za-z0-9]/.test(v); }
  };
  field.addEventListener('input', function () {
    list.querySelectorAll('li[data-rule]').forEach(function (item) {
      var rule = item.getAttribute('data-rule');
      var met = rule.indexOf('min:') === 0 ? field.value.length >= Number(rule.slice(4)) : tests[rule] ? tests[rule](field.value) : false;
      item.classList.toggle('met', met);
    });
  });
});

// WebAuthn: base64url <-> bytes by hand (no library, nothing from elsewhere).
function fromB64u(s) {
  var b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  var out = new Uint8Array(b.length);
  for (var i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out.buffer;
}
function toB64u(buf) {
  if (!buf) return undefined;
  var bytes = new Uint8Array(buf), s = '';
  for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
}
function credentialJson(c) {
  var r = c.response, response = { clientDataJSON: toB64u(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toB64u(r.attestationObject);
    if (r.getTransports) response.transports = r.getTransports();
  } else {
    response.authenticatorData = toB64u(r.authenticatorData);
    response.signature = toB64u(r.signature);
    if (r.userHandle) response.userHandle = toB64u(r.userHandle);
  }
  return { id: c.id, rawId: toB64u(c.rawId), type: c.type, response: response,
    clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
    authenticatorAttachment: c.authenticatorAttachment || undefined };
}
['webauthn-get', 'webauthn-create'].forEach(function (id) {
  var form = document.getElementById(id);
  if (!form) return;
  var start = document.getElementById('webauthn-start');
  var box = document.getElementById('webauthn-error');
  function fail(text) { box.textContent = text; box.hidden = false; start.disabled = false; }
  start.addEventListener('click', function () {
    if (!window.PublicKeyCredential || !navigator.credentials) return fail(form.getAttribute('data-unsupported'));
    start.disabled = true;
    box.hidden = true;
    var pk = JSON.parse(form.getAttribute('data-options')).publicKey;
    pk.challenge = fromB64u(pk.challenge);
    (pk.allowCredentials || []).concat(pk.excludeCredentials || []).forEach(function (c) { c.id = fromB64u(c.id); });
    var call = id === 'webauthn-get' ? navigator.credentials.get({ publicKey: pk }) : (pk.user.id = fromB64u(pk.user.id), navigator.credentials.create({ publicKey: pk }));
    call.then(function (c) {
      form.elements.credential.value = JSON.stringify(credentialJson(c));
      form.submit();
    }, function () { fail(form.getAttribute('data-error')); });
  });
});
`;
