// Screens are addressed by the URL's fragment (#/users/123), so the server serves one page and
// the sign-in's callback path stays free.
import { useEffect, useState } from 'preact/hooks';

/** @returns {string[]} the path segments of the current fragment */
export function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

/** @param {...string} segments */
export const href = (...segments) => `#/${segments.map(encodeURIComponent).join('/')}`;

/** @param {...string} segments */
export function go(...segments) {
  location.hash = href(...segments);
}
